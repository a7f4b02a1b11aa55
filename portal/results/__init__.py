"""Results indicators: the programme's catalogue, each award's indicators with baseline and
targets per reporting period, actuals carried by progress reports with their disaggregation,
verification by staff (the dashboard, exports, API and IATI elements live in the layers above).
"""
