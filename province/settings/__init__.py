"""Settings of the provincial system: ``base`` plus one module per mode (APP_ENV)."""
