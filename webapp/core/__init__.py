"""What every feature shares: configuration, the database and its models, the assessment
store, the one report builder, roles, i18n, security headers and error pages."""
