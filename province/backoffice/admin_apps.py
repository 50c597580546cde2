"""``django.contrib.admin`` with the officers' admin site (admin_site.py) as ``admin.site``.

Its own module: INSTALLED_APPS imports it before the models are ready.
"""

from django.contrib.admin.apps import AdminConfig


class OfficerAdminConfig(AdminConfig):
    default_site = "province.backoffice.admin_site.OfficerAdminSite"
