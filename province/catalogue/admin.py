"""The catalogue in the Django admin: every model, export actions, and a file import page.

Admin classes are not subscripted (``ModelAdmin[Agency]``): that needs django-stubs-ext's
monkeypatch in settings, which the project does not install; hence the ``type-arg`` ignores."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import interchange, selectors, services
from .forms import CatalogueImportForm, FormSchemaForm
from .interchange import ImportRejected
from .models import (
    AdministrativeUnit,
    Agency,
    CatalogueAudit,
    Field,
    Procedure,
    ProcedureDocument,
    ProcedureFormVersion,
)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "level", "unit", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "unit")

    def save_model(self, request: HttpRequest, obj: Agency, form: ModelForm[Agency], change: bool) -> None:
        before = form.initial if change else None
        super().save_model(request, obj, form, change)
        services.audit_record(
            actor=request.user,
            action="agency_update" if change else "agency_create",
            object_type="agency",
            object_key=obj.code,
            before={k: str(v) for k, v in before.items()} if before else None,
            after={k: str(form.cleaned_data.get(k)) for k in form.changed_data},
        )


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name")
    search_fields = ("code", "name")

    def save_model(self, request: HttpRequest, obj: Field, form: ModelForm[Field], change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.field_renamed(field=obj)
        services.audit_record(
            actor=request.user,
            action="field_update" if change else "field_create",
            object_type="field",
            object_key=obj.code,
            after={"code": obj.code, "name": obj.name},
        )


class ProcedureDocumentInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ProcedureDocument
    extra = 0
    fields = ("order", "name", "required", "copies", "template")


class ProcedureFormVersionInline(admin.TabularInline):  # type: ignore[type-arg]
    """Read-only: versions are published by import or ``services.form_publish``, never edited."""

    model = ProcedureFormVersion
    extra = 0
    fields = ("version", "is_current", "created_at", "schema")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _download(content: str, *, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "field", "level", "online_level", "processing_days", "is_active")
    list_filter = ("is_active", "level", "online_level", "field", "agencies")
    search_fields = ("code", "name", "search_text")
    list_select_related = ("field",)
    filter_horizontal = ("agencies",)
    inlines = (ProcedureDocumentInline, ProcedureFormVersionInline)
    actions = ("export_json", "export_csv")
    change_list_template = "admin/catalogue/procedure/change_list.html"
    change_form_template = "admin/catalogue/procedure/change_form.html"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Procedure], search_term: str
    ) -> tuple[QuerySet[Procedure], bool]:
        # The same folded search as the portal, so "khai sinh" and "khai sinh" with marks both work.
        if search_term:
            ids = selectors.procedure_search(query=search_term, active_only=False).values("pk")
            return queryset.filter(pk__in=ids), False
        return queryset, False

    def save_model(self, request: HttpRequest, obj: Procedure, form: ModelForm[Procedure], change: bool) -> None:
        if change:
            stored = Procedure.objects.select_related("field").prefetch_related("agencies", "documents").get(pk=obj.pk)
            before = selectors.procedure_record(stored, None)
            before.pop("form")
            request._catalogue_before = before  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: ModelForm[Procedure], formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        procedure = Procedure.objects.select_related("field").get(pk=form.instance.pk)
        services.procedure_admin_saved(
            actor=request.user, procedure=procedure, before=getattr(request, "_catalogue_before", None)
        )

    def delete_model(self, request: HttpRequest, obj: Procedure) -> None:
        services.procedure_delete(actor=request.user, procedure=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> None:
        for procedure in queryset:
            services.procedure_delete(actor=request.user, procedure=procedure)

    @admin.action(description=gettext_lazy("Xuất JSON"))
    def export_json(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> HttpResponse:
        document = selectors.catalogue_export_document(procedures=queryset)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return _download(
            interchange.to_json(document), name=f"bo-thu-tuc-{stamp}.json", content_type="application/json"
        )

    @admin.action(description=gettext_lazy("Xuất CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Procedure]) -> HttpResponse:
        document = selectors.catalogue_export_document(procedures=queryset)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        # A BOM so that spreadsheet programs open the Vietnamese text as UTF-8.
        return _download(
            "\ufeff" + interchange.to_csv(document),
            name=f"bo-thu-tuc-{stamp}.csv",
            content_type="text/csv; charset=utf-8",
        )

    def get_urls(self) -> list[URLPattern]:
        extra = [
            path("nhap/", self.admin_site.admin_view(self.import_view), name="catalogue_procedure_import"),
            path(
                "<int:object_id>/bieu-mau/",
                self.admin_site.admin_view(self.form_publish_view),
                name="catalogue_procedure_form_publish",
            ),
        ]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        problems: list[interchange.Problem] = []
        form = CatalogueImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.catalogue_import(content=upload.read(), filename=upload.name, actor=request.user)
            except ImportRejected as rejected:
                problems = rejected.problems
            else:
                messages.success(
                    request,
                    _("Đã nhập: %(c)d thủ tục mới, %(u)d cập nhật, %(s)d không đổi.")
                    % {
                        "c": result.procedures_created,
                        "u": result.procedures_updated,
                        "s": result.procedures_unchanged,
                    },
                )
                return HttpResponseRedirect(reverse("admin:catalogue_procedure_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Nhập bộ thủ tục"),
            "form": form,
            "problems": problems,
            "format_help": interchange.__doc__,
        }
        return TemplateResponse(request, "admin/catalogue/procedure/import.html", context)

    def form_publish_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """Publish a new e-form version (earlier versions stay as they were)."""
        procedure = self.get_object(request, str(object_id))
        if procedure is None:
            raise Http404
        if not self.has_change_permission(request, procedure):
            raise PermissionDenied
        current = selectors.form_current_version(procedure=procedure)
        problems: list[str] = []
        if request.method == "POST":
            form = FormSchemaForm(request.POST)
            if form.is_valid():
                try:
                    version = services.form_publish(
                        procedure=procedure, schema=form.cleaned_data["schema"], actor=request.user
                    )
                except services.FormSchemaError as exc:
                    problems = exc.errors
                else:
                    messages.success(request, _("Biểu mẫu đang dùng: phiên bản %(n)d.") % {"n": version.version})
                    return HttpResponseRedirect(reverse("admin:catalogue_procedure_change", args=[procedure.pk]))
        else:
            initial = json.dumps(current.schema if current else [], ensure_ascii=False, indent=2)
            form = FormSchemaForm(initial={"schema": initial})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": procedure,
            "title": _("Biểu mẫu điện tử: %(code)s") % {"code": procedure.code},
            "form": form,
            "problems": problems,
            "current": current,
        }
        return TemplateResponse(request, "admin/catalogue/procedure/form_publish.html", context)


@admin.register(ProcedureFormVersion)
class ProcedureFormVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("procedure", "version", "is_current", "created_at")
    list_filter = ("is_current",)
    search_fields = ("procedure__code", "procedure__name")
    readonly_fields = ("procedure", "version", "schema", "is_current", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CatalogueAudit)
class CatalogueAuditAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "actor", "action", "object_type", "object_key")
    list_filter = ("action", "object_type")
    search_fields = ("object_key",)
    readonly_fields = ("created_at", "actor", "action", "object_type", "object_key", "before", "after")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
