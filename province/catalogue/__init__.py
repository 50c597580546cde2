"""The procedure catalogue (Bộ thủ tục hành chính): administrative units, agencies, fields,
procedures with their documents and versioned e-forms; folded (diacritic-free) search; JSON/CSV
import and export; the public pages under /thu-tuc/ and the Django admin.

Entry points for other apps: ``selectors.procedure_get_active``, ``selectors.form_current_version``,
``services.form_validate`` (dossier submission) and ``services.catalogue_import``.
"""
