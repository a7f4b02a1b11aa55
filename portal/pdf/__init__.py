"""PDF documents rendered with WeasyPrint from Jinja templates in ``pdf_templates/``.

``render_pdf("acknowledgement.html", **context)`` returns the PDF bytes. WeasyPrint is imported
lazily (it takes most of a second) and fetches resources only through
``portal.pdf.fetcher.RestrictedURLFetcher``: ``data:`` URIs and files inside the portal's own
``static/`` and ``pdf_templates/`` directories, nothing else.
"""
