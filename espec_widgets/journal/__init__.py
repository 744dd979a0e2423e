"""My journal: the learner's own reflections, rewrites and self-assessments, by Part and case,
with the prompt each answered and its date; exported as Markdown and as a Word document.

`entries.journal` reads it from the store (for the learner's own page only); `export` writes it.
"""
