"""Documents: verified uploads to local disk or S3, versions per owner slot, audited downloads.

Other domains attach documents by registering an owner type (``owners.register_owner``) whose
adapter lists its ``DocumentSlot``s and answers the permission questions; they read documents
with ``operations.latest`` / ``operations.listing`` and embed ``documents/_list.html``.
"""
