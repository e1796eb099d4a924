"""Ads and networks: load ads, read an ad's text, build networks, list, search, profiles."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from ctip.api.deps import DbSession, require
from ctip.api.errors import ApiError
from ctip.api.schemas import RequestBody, error_responses
from ctip.authz.policy import Principal
from ctip.networks import profile, service
from ctip.networks.access import NetworkAction
from ctip.networks.ads import PACK_NAME, read_text

router = APIRouter(prefix="/networks", tags=["networks"])
AdReader = Annotated[Principal, Depends(require(NetworkAction.AD_READ))]
AdWriter = Annotated[Principal, Depends(require(NetworkAction.AD_WRITE))]
NetworkReader = Annotated[Principal, Depends(require(NetworkAction.READ))]
NetworkBuilder = Annotated[Principal, Depends(require(NetworkAction.BUILD))]
MAX_LOAD_BYTES = 200 * 1024 * 1024
MAX_TEXTS = 1000
ADS_BODY = {
    "description": "ads as JSON lines (one object per line) or CSV with a header row",
    "content": {
        "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
        "text/csv": {"schema": {"type": "string", "format": "binary"}},
    },
}
IdentifierKind = Literal["phone", "email", "account", "handle", "image"]


class Out(BaseModel):
    """Read from the services' dataclasses."""

    model_config = ConfigDict(from_attributes=True)


class LoadOut(Out):
    """What loading an ads file did."""

    file_name: str
    content_sha256: str
    ads_new: int
    ads_seen_again: int
    already_imported: bool
    import_id: int | None


class BuildOut(Out):
    """What a network build found; ids kept, new, merged into others, dissolved."""

    build_id: int
    ads: int
    networks: int
    links: int
    kept_ids: int
    new_ids: int
    merged: int
    dissolved: int


class NetworkSummaryOut(Out):
    """A network in a list."""

    id: str
    status: str
    replaced_by: str | None
    ad_count: int
    first_posted: str
    last_posted: str
    max_indicator_score: float
    created_at: str
    updated_at: str


class NetworkPage(BaseModel):
    """A list of networks."""

    total: int
    results: list[NetworkSummaryOut]


class FiredOut(Out):
    """An indicator that fired, with the words (or value) that fired it."""

    rule_id: str
    title: str
    weight: float
    evidence: list[str]
    explanation: str


class AdSummaryOut(Out):
    """An ad of a network."""

    key: int
    site: str
    ad_id: str
    url: str
    posted_at: str
    location: str
    title: str
    body: str
    indicator_score: float
    indicators: list[FiredOut]
    phones: list[str]


class CityPeriodOut(Out):
    """A stay of the travel circuit: consecutive ads in one city."""

    city: str
    first_day: str
    last_day: str
    ads: int


class IdentifierCountOut(Out):
    """An identifier and how many of the network's ads carry it."""

    kind: str
    value: str
    ads: int


class IndicatorCountOut(Out):
    """An indicator and how many of the network's ads it fired on."""

    rule_id: str
    title: str
    ads: int


class LinkOut(Out):
    """The evidence joining two ads."""

    ad_a: str
    ad_b: str
    kind: str
    value: str
    similarity: float | None


class ProfileOut(Out):
    """One network's profile."""

    summary: NetworkSummaryOut
    ads: list[AdSummaryOut]
    circuit: list[CityPeriodOut]
    identifiers: list[IdentifierCountOut]
    indicators: list[IndicatorCountOut]
    links: list[LinkOut]


class ProfilesOut(BaseModel):
    """The profiles asked for, and the ids no network has."""

    profiles: list[ProfileOut]
    missing: list[str]


class AdText(RequestBody):
    """The text of an ad to read."""

    title: str = Field(default="", max_length=2000)
    body: str = Field(default="", max_length=20_000)


class AdTexts(RequestBody):
    """Up to 1,000 ad texts to read in one call."""

    texts: list[AdText] = Field(min_length=1, max_length=MAX_TEXTS)


class FoundOut(Out):
    """Something the text gave away, with the words that gave it."""

    value: str
    text: str


class PriceOut(Out):
    """A price the ad asks."""

    amount: int
    unit: str
    text: str


class ReadingOut(BaseModel):
    """What one ad's text gives away and its indicator score."""

    phones: list[FoundOut]
    emails: list[FoundOut]
    handles: list[FoundOut]
    prices: list[PriceOut]
    specials: list[FoundOut]
    cities: list[FoundOut]
    ages: list[FoundOut]
    score: float
    pack: str
    indicators: list[FiredOut]


def _page(found: list[profile.NetworkSummary]) -> NetworkPage:
    results = [NetworkSummaryOut.model_validate(n) for n in found]
    return NetworkPage(total=len(results), results=results)


@router.post(
    "/ads/load",
    responses=error_responses(413),
    openapi_extra={"requestBody": {"required": True, **ADS_BODY}},
)
async def load_ads(
    principal: AdWriter,
    session: DbSession,
    request: Request,
    file_name: Annotated[str, Query(min_length=1, max_length=500)] = "upload",
) -> LoadOut:
    """Load ads (JSON lines or CSV): every row validated, all or nothing, idempotent."""
    data = await request.body()
    if len(data) > MAX_LOAD_BYTES:
        raise ApiError(413, f"send at most {MAX_LOAD_BYTES} bytes per request")
    if not data.strip():
        raise ApiError(422, "the body is empty: send ads as JSON lines or CSV")
    outcome = service.load_ads(session, data, file_name, principal.username)
    return LoadOut.model_validate(outcome)


@router.post("/ads/read")
def read_ads(_: AdReader, texts: AdTexts) -> list[ReadingOut]:
    """What each text hides (phones however written, e-mails, handles, prices, ages, cities)
    and which published indicators fire on it, with the words that fired them."""
    return [_reading(f"{item.title}\n{item.body}") for item in texts.texts]


def _reading(text: str) -> ReadingOut:
    extraction, score = read_text(text)
    return ReadingOut(
        phones=[FoundOut.model_validate(f) for f in extraction.phones],
        emails=[FoundOut.model_validate(f) for f in extraction.emails],
        handles=[FoundOut.model_validate(f) for f in extraction.handles],
        prices=[PriceOut.model_validate(p) for p in extraction.prices],
        specials=[FoundOut.model_validate(f) for f in extraction.specials],
        cities=[FoundOut.model_validate(f) for f in extraction.cities],
        ages=[FoundOut.model_validate(f) for f in extraction.ages],
        score=score.score,
        pack=PACK_NAME,
        indicators=[FiredOut.model_validate(f) for f in score.fired],
    )


@router.post("/build")
def build(principal: NetworkBuilder, session: DbSession) -> BuildOut:
    """Link every ad and store the networks; ids of networks that persist are kept."""
    return BuildOut.model_validate(service.build_networks(session, principal.username))


@router.get("")
def list_networks(
    _: NetworkReader,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=profile.MAX_LIMIT)] = profile.DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    include_replaced: bool = False,
) -> NetworkPage:
    """Networks, most ads first."""
    return _page(profile.list_networks(session, limit, offset, include_replaced))


@router.get("/search")
def search(
    _: NetworkReader,
    session: DbSession,
    kind: Annotated[IdentifierKind | None, Query()] = None,
    value: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
    site: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    ad_id: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> NetworkPage:
    """The networks holding an identifier (`kind` and `value`; phones in any format) or an ad
    (`site` and `ad_id`)."""
    if kind and value:
        return _page(profile.networks_with(session, kind, value))
    if site and ad_id:
        return _page(profile.network_of_ad(session, site, ad_id))
    raise ApiError(400, "give kind and value, or site and ad_id")


@router.get("/profiles")
def profiles(
    _: NetworkReader,
    session: DbSession,
    network_id: Annotated[list[str], Query(min_length=1, max_length=50)],
) -> ProfilesOut:
    """Profiles of up to 50 networks by id: ads, circuit, identifiers, indicators, evidence."""
    found, missing = [], []
    for network_id_ in dict.fromkeys(network_id):
        one = profile.network_profile(session, network_id_)
        if one is None:
            missing.append(network_id_)
        else:
            found.append(ProfileOut.model_validate(one))
    return ProfilesOut(profiles=found, missing=missing)
