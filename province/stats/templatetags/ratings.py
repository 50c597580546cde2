"""``{% rating_box dossier %}``: the satisfaction rating form or the rating already given,
shown on the citizen's dossier page (one line in the dossiers template)."""

from __future__ import annotations

from typing import Any

from django import template

from province.dossiers.models import Dossier

from ..forms import RatingForm
from ..models import Rating
from ..services import RATEABLE

register = template.Library()


@register.inclusion_tag("stats/_rating_box.html", takes_context=True)
def rating_box(context: dict[str, Any], dossier: Dossier) -> dict[str, Any]:
    rating = Rating.objects.filter(dossier=dossier).first()
    return {
        "dossier": dossier,
        "rating": rating,
        "can_rate": rating is None and dossier.status in RATEABLE,
        "form": RatingForm(),
        "csrf_token": context.get("csrf_token"),
    }
