"""Amendments (issue 15): reviewed changes to an active grant.

An amendment numbers itself per award (1, 2, …) and may combine several kinds of change
(``constants.ChangeKind``); this first slice enables the **no-cost extension** (a new end date;
every unpaid milestone's due date moves by the same number of days, paid ones never change) and
the **scope change** (a narrative only). The grantee's owner or signatory requests one, or a
grants manager starts one; it is drafted, submitted, and the programme's grants managers
approve it, ask for changes (with comments) or reject it (with reasons). One amendment per
award is open (draft, submitted or returned for changes) at a time.

Approval produces the **amendment document** (``document``: WeasyPrint like the agreement,
its content hash covering the previous version's signed hash); the grantee's signatory signs it,
a grants manager countersigns (``signing``), and only the countersignature applies the change
(``effects.apply_changes``): ``approved`` → ``signed_by_grantee`` → ``in_effect``. ``chain``
is the version chain /verify shows.

Modules: ``constants`` (statuses and kinds), ``models``, ``permissions``, ``operations``
(create, edit, submit, withdraw, decide), ``effects`` (what an amendment changes on the award),
``document_models``, ``document``, ``signing``, ``regeneration``, ``chain``, ``notifications``,
``budget`` (the grant's budget by category), ``acknowledgement`` (a budget realignment within
the free threshold: acknowledged, in effect at once), ``forms``, ``views`` and ``sign_views``
(routes on the ``awards`` blueprint), ``builders``, ``demo`` and ``demo_signed`` (seed).
"""
