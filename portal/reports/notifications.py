"""E-mails about grantee reports: a submitted report to the programme's grants managers; a
returned or approved one to the grantee's people (owners, editors, signatory)."""

from __future__ import annotations

from portal.core.urls import external_url
from portal.finance.reminders import grantee_members
from portal.mail.operations import email_user


def _send(template: str, users, report) -> None:
    url = external_url("reports.report", report_id=report.id)
    for user in users:
        email_user(template, user, report=report, award=report.award, url=url)


def report_submitted(report) -> None:
    _send("report_submitted", report.award.application.call.programme.managers, report)


def report_decided(report) -> None:
    organisation_id = report.award.organisation_id
    people = grantee_members([organisation_id]).get(organisation_id, [])
    template = "report_approved" if report.status == "approved" else "report_returned"
    _send(template, people, report)
