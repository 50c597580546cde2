"""The provincial public-service system (Cổng Dịch vụ công tỉnh + Một cửa điện tử)."""
