"""Every blueprint the portal serves, in registration order."""

from portal.accounts.views import bp as accounts_bp
from portal.admin.views import bp as admin_bp
from portal.api.token_views import bp as api_tokens_bp
from portal.api.views import bp as api_bp
from portal.applications.views import bp as applications_bp
from portal.audit.views import bp as audit_bp
from portal.awards.views import bp as awards_bp
from portal.calls.views import bp as calls_bp
from portal.closeout.views import bp as closeout_bp
from portal.dashboard.views import bp as dashboard_bp
from portal.documents.views import bp as documents_bp
from portal.finance.views import bp as finance_bp
from portal.opendata.views import bp as opendata_bp
from portal.ops.views import bp as ops_bp
from portal.organisations.views import bp as organisations_bp
from portal.reporting.export_views import bp as exports_bp
from portal.reporting.results_views import bp as results_dashboard_bp
from portal.reporting.views import bp as reporting_bp
from portal.reports.views import bp as reports_bp
from portal.results.views import bp as results_bp
from portal.reviews.views import bp as reviews_bp

BLUEPRINTS = (
    ops_bp,
    dashboard_bp,
    accounts_bp,
    organisations_bp,
    admin_bp,
    audit_bp,
    calls_bp,
    documents_bp,
    applications_bp,
    reviews_bp,
    awards_bp,
    finance_bp,
    reports_bp,
    closeout_bp,
    opendata_bp,
    api_tokens_bp,
    api_bp,
    exports_bp,
    reporting_bp,
    results_bp,
    results_dashboard_bp,
)
