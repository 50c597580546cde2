"""Operations: health and readiness probes, Prometheus metrics, request ids, JSON logs and
the security headers Django does not set itself (Content-Security-Policy, Permissions-Policy)."""
