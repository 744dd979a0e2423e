"""Part II live sessions: the learner's page (`LivePage`), the instructor's console
(`ConsoleApp`), the agenda views they show and the session report. Shared state is in the store
(store/live.py); changes arrive through the change feed (store/feed.py)."""
