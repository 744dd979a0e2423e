"""xAPI learning records: statements made from the store, exported as JSON Lines, and forwarded
to a Learning Record Store through the outbox.

Nothing here runs in a learner's kernel. Pages write their usual rows (responses, drafts,
progress, case visits, attempts, attendance); statements are made from those rows afterwards, by
`espec export xapi` or the server's forwarder, and validated with Ralph's pydantic xAPI models.
"""
