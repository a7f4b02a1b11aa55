"""Open data (issue 8): the active grants as an IATI 2.03 activity file and a 360Giving grant
package, validated against the published schemas shipped in ``schemas/``.

Redaction is by construction: ``grants.load`` selects named columns only and never reads bank
data (CLABE, bank references), people (users, legal representatives, signatures' names), contact
details or street addresses. A grantee whose RFC has 13 characters is a natural person: neither
the RFC nor the name is published (see ``grants.Recipient``).
"""
