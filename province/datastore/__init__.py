"""Kho dữ liệu cá nhân, tổ chức: documents a person or business keeps to reuse in dossiers."""
