"""Pages · program health: ``projects:program`` at ``program/`` — the figures executives and the
program office watch (cycle times, throughput, stalled work, belts, pilot, customer buy-in).

Reads only, from ``projects.program.program_health`` (a fixed number of queries). Allowed by the
``projects.program`` action (admins, executives, coaches); filters ``customer`` and ``belt`` come
from the query string and a bad value is ignored with a message.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from projects.program import program_health
from projects.views.base import ProjectsPage


def _max(values: list[Any]) -> float:
    numbers = [float(v) for v in values if v is not None]
    return max(numbers) if numbers and max(numbers) > 0 else 1.0


class ProgramHealthView(ProjectsPage):
    """Headline numbers, cycle times per phase, throughput per quarter, phases now, selection
    buy-in, benefits per currency, belts and the pilot, each chart with a table of its figures."""

    required_action = "projects.program"

    def get(self, request: HttpRequest, **_url: Any) -> HttpResponse:
        health = program_health(self.member, request.GET)
        cycle_max = _max([row["median_days"] for row in health["cycle_times"]])
        for row in health["cycle_times"]:
            row["bar"] = round(100 * (row["median_days"] or 0) / cycle_max)
        throughput_max = _max([row["closed"] for row in health["throughput"]])
        for row in health["throughput"]:
            row["bar"] = round(100 * row["closed"] / throughput_max)
        phase_max = _max([row["count"] for row in health["phases"]])
        for row in health["phases"]:
            row["bar"] = round(100 * row["count"] / phase_max)
        charts = {
            "cycle": {
                "labels": [row["label"] for row in health["cycle_times"]],
                "median": [row["median_days"] for row in health["cycle_times"]],
                "average": [row["average_days"] for row in health["cycle_times"]],
            },
            "throughput": {
                "labels": [row["quarter"] for row in health["throughput"]],
                "closed": [row["closed"] for row in health["throughput"]],
            },
            "phases": {
                "labels": [row["label"] for row in health["phases"]],
                "counts": [row["count"] for row in health["phases"]],
            },
        }
        context = {**health, "charts": charts, "subnav": "program"}
        return render(request, "projects/program/program.html", context)


urlpatterns: list[URLPattern] = [
    path("program/", ProgramHealthView.as_view(), name="program"),
]
