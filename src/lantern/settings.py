"""Lantern's settings: the one reader of the environment.

Every setting is declared here with its help text and read from `LANTERN_<NAME>` environment variables (or a
`.env` file). Code receives a `Settings` object; it never reads the environment itself. `docs/settings.md`
lists every setting, and a test keeps that page complete.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "lantern"


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
    screening: ScreeningSettings = Field(
        default_factory=ScreeningSettings, description="The screening engine (see docs/screening.md)."
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'lantern.db'}"

    @property
    def screening_cache_dir(self) -> Path:
        return self.screening.cache_dir or self.data_dir / "screening"
