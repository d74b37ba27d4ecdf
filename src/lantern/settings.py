"""Lantern's settings: the one reader of the environment.

Every setting is declared here with its help text and read from `LANTERN_<NAME>` environment variables (or a
`.env` file). Code receives a `Settings` object; it never reads the environment itself. `docs/settings.md`
lists every setting, and a test keeps that page complete.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "lantern"


class ReviewSettings(BaseModel):
    """How the licence review weighs allegations and identifies end users."""

    min_confidence: str = Field(
        default="medium",
        description="Lowest allegation confidence that counts against a unit (low, medium, high).",
    )
    counted_statuses: list[str] = Field(
        default_factory=lambda: ["credible"],
        description="Allegation statuses that implicate a unit (under_review, credible).",
    )
    violation_types: list[str] = Field(
        default_factory=lambda: [
            "enforced_disappearance",
            "torture",
            "extrajudicial_killing",
            "rape_under_colour_of_law",
            "collusion_with_criminal_organisation",
            "other",
        ],
        description="Violation types that implicate a unit.",
    )
    reseller_units: list[str] = Field(
        default_factory=lambda: ["mx-sedena", "mx-sedena-dcam"],
        description="Unit keys of importers that resell to police (SEDENA and its DCAM): naming them alone "
        "does not identify the end user.",
    )
    batch_size: int = Field(default=500, description="Licences reviewed per transaction in a full review.")


class JobSettings(BaseModel):
    """Where long jobs (full reviews) queue. The default needs no server."""

    backend: str = Field(
        default="sqlite",
        description="Job queue backend: sqlite (a file in data_dir, one machine), postgres (the database at "
        "database_url, several instances) or redis (redis_url, several instances).",
    )
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", description="Redis URL for the redis backend.")
    workers: int = Field(default=1, description="Worker threads `lantern worker` runs.")


class WebSettings(BaseModel):
    """The web application: where it listens, its sessions and its defences against password guessing."""

    host: str = Field(default="127.0.0.1", description="Address `lantern serve` listens on.")
    port: int = Field(default=8000, description="Port `lantern serve` listens on.")
    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Signs session and CSRF cookies. Empty means a random key for each server process: sessions "
            "end when it restarts. Set the same long random value on every instance behind one address."
        ),
    )
    session_max_age: int = Field(
        default=8 * 3600, description="Seconds a web session lasts after sign-in before signing in again."
    )
    cookie_secure: Literal["auto", "always", "never"] = Field(
        default="auto",
        description=(
            "When cookies carry the Secure flag: `auto` on requests that arrived over https (directly or "
            "through a proxy that sets X-Forwarded-Proto), `always`, or `never`."
        ),
    )
    login_max_failures: int = Field(
        default=5, description="Failed sign-ins for one account within the window before it must wait."
    )
    login_client_max_failures: int = Field(
        default=20,
        description="Failed sign-ins from one client address within the window before it must wait.",
    )
    login_window_seconds: int = Field(
        default=15 * 60, description="The window, in seconds, over which failed sign-ins are counted."
    )
    password_min_length: int = Field(default=12, description="Fewest characters a new password may have.")
    page_size: int = Field(default=50, description="Rows per page in web lists and API searches.")
    search_count_limit: int = Field(
        default=1000,
        ge=1,
        description=(
            "Licence searches in the web application and API count matches up to this many and then say "
            "'more than'; the pages go on. Reports give exact totals."
        ),
    )
    token_days: int = Field(default=365, description="Days a new API token lasts unless told otherwise.")
    max_upload_mb: int = Field(
        default=512,
        description="Largest file the imports page accepts, in MiB. Uploads go to disk as they arrive.",
    )


class ScreeningSettings(BaseModel):
    """Thresholds, weights and limits of the screening engine (`LANTERN_SCREENING__<NAME>`).

    Changing a threshold changes decisions, not scores; changing a weight changes scores, so analyst
    dispositions made under other weights deserve a second look (see docs/screening.md).
    """

    match_threshold: float = Field(
        default=0.8, ge=0, le=1, description="Score at or above which a candidate is a `match`."
    )
    possible_threshold: float = Field(
        default=0.6,
        ge=0,
        le=1,
        description="Score at or above which a candidate is `possible` (below: `no_match`).",
    )
    word_weight: float = Field(default=1.0, gt=0, description="Weight of a distinctive word (a proper name).")
    place_weight: float = Field(
        default=1.2, gt=0, description="Weight of a place (state, municipality, country)."
    )
    number_weight: float = Field(
        default=1.2, gt=0, description="Weight of a unit number (27 in 27/o. Batallón)."
    )
    concept_weight: float = Field(
        default=0.6,
        gt=0,
        description="Weight of a word that says what kind of body it is (policía, batallón).",
    )
    qualifier_weight: float = Field(
        default=0.3, gt=0, description="Weight of a qualifier that never discriminates (general, especial)."
    )
    legal_form_weight: float = Field(
        default=0.25, gt=0, description="Weight of a legal form (S.A. de C.V., Inc.)."
    )
    particle_weight: float = Field(
        default=0.3,
        gt=0,
        description="Weight of a name particle (de, bin, al) or an initial in a personal name.",
    )
    missing_word_cost: float = Field(
        default=0.8,
        ge=0,
        description="Cost, per unit of weight, of a word of an organisation on one side only.",
    )
    missing_person_word_cost: float = Field(
        default=0.25,
        ge=0,
        description="Cost, per unit of weight, of a personal name on one side only (a middle name).",
    )
    missing_place_cost: float = Field(
        default=1.5,
        ge=0,
        description="Cost of a place named on one side only (Policía Estatal vs … de Guerrero).",
    )
    missing_number_cost: float = Field(
        default=1.5, ge=0, description="Cost of a unit number on one side only."
    )
    missing_concept_cost: float = Field(
        default=0.8,
        ge=0,
        description="Cost of a kind-of-body word on one side only (Policía Federal vs … Ministerial).",
    )
    missing_qualifier_cost: float = Field(
        default=0.3, ge=0, description="Cost of a qualifier on one side only."
    )
    conflict_cost: float = Field(
        default=1.2, ge=0, description="Cost, per unit of weight, of words on both sides that match nothing."
    )
    min_token_similarity: float = Field(
        default=0.75,
        ge=0,
        le=1,
        description="Least spelling similarity for two words of organisations to pair.",
    )
    min_person_token_similarity: float = Field(
        default=0.65, ge=0, le=1, description="Least spelling similarity for two personal names to pair."
    )
    conflict_factor: float = Field(
        default=0.35,
        ge=0,
        le=1,
        description="Factor on the score when places, numbers or exclusive kinds disagree (a veto).",
    )
    legal_form_conflict_cap: float = Field(
        default=0.7, ge=0, le=1, description="Highest score when legal forms differ in family (GmbH vs Inc.)."
    )
    generic_only_cap: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Highest score when only generic words agree and a distinctive part does not.",
    )
    candidates: int = Field(
        default=12, ge=1, description="Entities scored in full per query, chosen by shared rare tokens."
    )
    max_postings: int = Field(
        default=200_000,
        ge=1000,
        description="Most index postings read per query; the rarest keys are read first.",
    )
    workers: int = Field(
        default=2, ge=1, description="Processes for batch screening and for building the index."
    )
    cache_dir: Path | None = Field(
        default=None, description="Folder of the on-disk index cache. Empty means <data_dir>/screening."
    )


class ImportSettings(BaseModel):
    """How `lantern import` reads files (LANTERN_IMPORTS__<NAME>)."""

    chunk_size: int = Field(
        default=2000, ge=1, description="Records checked and written together; larger uses more memory."
    )
    max_problems: int = Field(
        default=200,
        ge=1,
        description="An import stops reading after this many problems and reports them (nothing is stored).",
    )
    max_line_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=1024,
        description="Longest line read as one record; longer lines are reported as problems, not read whole.",
    )
    sqlite_cache_mb: int = Field(
        default=256,
        ge=2,
        description="SQLite page cache for the import's connection, in MB: large imports update big indexes.",
    )
    analyze_min_records: int = Field(
        default=10_000,
        ge=1,
        description=(
            "After an import that created or changed at least this many records, PostgreSQL's planner "
            "statistics are refreshed (ANALYZE), so searches plan for the new size of the book at once."
        ),
    )
    parallel_min_bytes: int = Field(
        default=20_000_000,
        ge=0,
        description="Lantern JSON Lines and CSV files at least this large are read by a second process.",
    )
    progress_min_bytes: int = Field(
        default=5_000_000, ge=0, description="Files at least this large show a progress bar while importing."
    )


class ReportSettings(BaseModel):
    """Reports made by `lantern report` and the web application (LANTERN_REPORTS__<NAME>)."""

    base_url: str = Field(
        default="",
        description=(
            "Address of the web application that report links point to in files (PDF, HTML, CSV, JSON), "
            "e.g. https://lantern.example.org. Empty means http://<web.host>:<web.port>."
        ),
    )


class MonitoringSettings(BaseModel):
    """Violation cases, statutory reports and the risk weights of the end-use check queue."""

    prompt_report_days: int = Field(
        default=30,
        description="Days after a case is opened that its AECA 3(c)(2) 'prompt' report is due (the statute "
        "gives no number; a policy choice).",
    )
    immediate_report_days: int = Field(
        default=3,
        description="Days after a case is opened that its AECA 3(e) 'immediate' report of an unauthorised "
        "transfer is due (the statute gives no number; a policy choice).",
    )
    weight_implicated_end_user: float = Field(
        default=10.0, description="Check risk: an end user or consignee the review holds implicated."
    )
    weight_unidentified_end_user: float = Field(
        default=6.0, description="Check risk: an unidentified or generic end user (criterion 2 findings)."
    )
    weight_value: float = Field(default=4.0, description="Check risk: licence value, full at value_scale.")
    value_scale: float = Field(
        default=1_000_000, description="Check risk: US$ value that earns the full weight."
    )
    weight_quantity: float = Field(
        default=3.0, description="Check risk: items licensed, full at quantity_scale."
    )
    quantity_scale: int = Field(
        default=1000, description="Check risk: item count that earns the full weight."
    )
    weight_automatic_weapons: float = Field(default=4.0, description="Check risk: fully automatic weapons.")
    weight_sta_shipments: float = Field(
        default=5.0, description="Check risk: License Exception STA shipments."
    )
    weight_reseller_consignee: float = Field(
        default=3.0,
        description="Check risk: goods consigned to a reseller (SEDENA/DCAM, review.reseller_units).",
    )
    weight_prior_unfavourable: float = Field(
        default=6.0, description="Check risk: per earlier unfavourable check (counted up to twice)."
    )
    weight_time_since_check: float = Field(
        default=3.0,
        description="Check risk: time since the last check, full at check_interval_days or never.",
    )
    check_interval_days: int = Field(
        default=730, description="Check risk: days since the last check that earn the full weight."
    )
    weight_watch_list_hit: float = Field(default=5.0, description="Check risk: a party on a watch list.")
    weight_red_flag: float = Field(
        default=2.0, description="Check risk: per published Blue Lantern red flag raised (monitoring/data)."
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="LANTERN_", env_file=".env", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder for the default SQLite database, the screening index cache and job queues.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy database URL. Empty means SQLite at <data_dir>/lantern.db. "
            "For PostgreSQL: postgresql+psycopg://user@host:5432/dbname"
        ),
    )
    actor: str = Field(
        default="cli",
        description="Who the audit log names for changes made from the command line.",
    )
    review: ReviewSettings = Field(default_factory=ReviewSettings, description="Licence review.")
    jobs: JobSettings = Field(default_factory=JobSettings, description="Background jobs.")
    web: WebSettings = Field(default_factory=WebSettings, description="The web application and its accounts.")
    screening: ScreeningSettings = Field(
        default_factory=ScreeningSettings, description="The screening engine (see docs/screening.md)."
    )
    imports: ImportSettings = Field(
        default_factory=ImportSettings, description="Reading files with `lantern import`."
    )
    reports: ReportSettings = Field(default_factory=ReportSettings, description="Reports and their links.")
    monitoring: MonitoringSettings = Field(
        default_factory=MonitoringSettings, description="Violation cases, reports and end-use checks."
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'lantern.db'}"

    @property
    def report_base_url(self) -> str:
        return (self.reports.base_url or f"http://{self.web.host}:{self.web.port}").rstrip("/")

    @property
    def screening_cache_dir(self) -> Path:
        return self.screening.cache_dir or self.data_dir / "screening"


def _reference_rows(model: type[BaseModel], env_prefix: str, path: str) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.extend(_reference_rows(annotation, f"{env_prefix}{name.upper()}__", f"{path}{name}."))
            continue
        if info.default_factory is not None:
            if info.default_factory is default_data_dir:
                default = "~/.local/share/lantern"
            else:
                default = repr(info.default_factory())  # type: ignore[call-arg]  # factories here take no arguments
        else:
            default = repr(info.default)
        rows.append(
            (f"`{path}{name}`", f"`{env_prefix}{name.upper()}`", f"`{default}`", info.description or "")
        )
    return rows


def settings_reference() -> str:
    """The Markdown page docs/settings.md, generated from the declarations above."""
    lines = [
        "# Settings",
        "",
        "Generated from `src/lantern/settings.py` by `make docs`;",
        "a test keeps this page in step with the code.",
        "Set each one as an environment variable or in a `.env` file in the working folder.",
        "",
        "| setting | environment variable | default | what it does |",
        "|---|---|---|---|",
    ]
    for row in _reference_rows(Settings, "LANTERN_", ""):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(lines) + "\n"
