"""The public-service portal for citizens and businesses (Cổng Dịch vụ công)."""
