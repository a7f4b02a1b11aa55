"""Failed background jobs (administrators): what failed, when and why, and "run again".

Jobs run inline when no Redis is configured; a failure then shows to the person who caused
it and nothing is listed here.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from portal import jobs
from portal.admin.blueprint import bp


class RetryForm(FlaskForm):
    """Only the CSRF token."""


@bp.get("/jobs")
def failed_jobs():
    failed = jobs.failed_jobs()
    return render_template(
        "admin/jobs.html",
        jobs=failed,
        inline=failed is None,
        describe=jobs.describe,
        error_of=jobs.error_of,
        form=RetryForm(),
    )


@bp.post("/jobs/<job_id>/retry")
def retry_job(job_id: str):
    if not RetryForm().validate_on_submit():
        abort(400)
    if jobs.requeue_failed(job_id):
        flash(_("The job was queued again."), "success")
    else:
        flash(_("That job is no longer in the list of failed jobs."), "warning")
    return redirect(url_for("admin.failed_jobs")), 303
