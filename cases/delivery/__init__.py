"""Signed decisions and the delivery of results (issue 20).

- ``rendering``: the issued DOCX rendered to PDF/A-2b by Debian's LibreOffice in headless mode.
- ``signing``: the agency's key (PKCS#12 file or PKCS#11 token, from the environment) and the
  PAdES signature with a visible block naming the signatory and their title (pyHanko).
- ``verification``: what anyone can check of a PDF: the signature is intact, its certificate
  chains to the configured trust anchors, and the file is the one a case issued.
- ``services``: the writes (``document_issue_signed``, the dispatch, receipt and return of a
  result), each on the case's hash-chained log, ending with ``cases.effects.case_changed``.
- ``selectors``: the reads (a case's deliveries, the clerk's daily list, what the citizen sees).

Decision 0008 explains the choices and the measurements."""
