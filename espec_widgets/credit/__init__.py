"""CE credit: the post-test, the evaluation, the requirements of each Part and certificates.

A learner kernel imports this package; it reads the course record and the item banks in their
cached runtime form (`runtime.py`, plain JSON), never pydantic, and the PDF library only when a
learner downloads a certificate.
"""
