"""The handling steps between the start of verification and the decision (issue 14).

- ``models``: the verification work on file (minutes, evidence, expert assessments), the verification
  report with its draft decision or conclusion and the head's review, the dialogue with its notice
  and minutes.
- ``steps``: the one home of every "may this step be taken now, and if not why" answer
  (``rules.Verdict``), asked by the services and by the buttons of the case page.
- ``services``: the writes, each on the case's hash-chained log through ``cases.services.base``.
"""
