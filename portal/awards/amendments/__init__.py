"""Amendments (issue 15): reviewed changes to an active grant.

An amendment numbers itself per award (1, 2, …) and may combine several kinds of change
(``constants.ChangeKind``); this first slice enables the **no-cost extension** (a new end date;
every unpaid milestone's due date moves by the same number of days, paid ones never change) and
the **scope change** (a narrative only). The grantee's owner or signatory requests one, or a
grants manager starts one; it is drafted, submitted, and the programme's grants managers
approve it, ask for changes (with comments) or reject it (with reasons). One amendment per
award is open (draft, submitted or returned for changes) at a time.

What "approved" means in this slice: **approval applies the change at once**
(``operations.approve`` calls ``effects.apply_changes``): ``approved`` means *in effect*.
The next slice inserts the signing step: an approved amendment will produce an amendment
document that both parties sign like the agreement, and only the countersignature will call
``apply_changes``. It then adds states between ``approved`` and the effect (e.g.
``approved`` → ``signed_by_grantee`` → ``in_effect``) in ``portal.awards.states.AMENDMENT``;
the names used now (``approved``) stay valid for the decision itself.

Modules: ``constants`` (statuses and kinds), ``models``, ``permissions``, ``operations``
(create, edit, submit, withdraw, decide), ``effects`` (what an amendment changes on the award),
``notifications``, ``forms``, ``views`` (routes on the ``awards`` blueprint), ``builders`` and
``demo`` (seed).
"""
