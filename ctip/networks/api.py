"""Ads and networks: load ads, read an ad's text, build networks, list, search, profiles."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from ctip.api.deps import DbSession, require
from ctip.api.errors import ApiError
from ctip.api.schemas import RequestBody
from ctip.api.uploads import read_upload, upload_route
from ctip.authz.policy import Principal
from ctip.indicators.engine import Fired
from ctip.networks import profile, service
from ctip.networks.access import NetworkAction
from ctip.networks.ads import PACK_NAME, read_text
from ctip.networks.extract import Found, Price

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


class NetworkPage(BaseModel):
    """A list of networks."""

    total: int
    results: list[profile.NetworkSummary]


class ProfilesOut(BaseModel):
    """The profiles asked for, and the ids no network has."""

    profiles: list[profile.NetworkProfile]
    missing: list[str]


class AdText(RequestBody):
    """The text of an ad to read."""

    title: str = Field(default="", max_length=2000)
    body: str = Field(default="", max_length=20_000)


class AdTexts(RequestBody):
    """Up to 1,000 ad texts to read in one call."""

    texts: list[AdText] = Field(min_length=1, max_length=MAX_TEXTS)


class ReadingOut(BaseModel):
    """What one ad's text gives away and its indicator score."""

    phones: list[Found]
    emails: list[Found]
    handles: list[Found]
    prices: list[Price]
    specials: list[Found]
    cities: list[Found]
    ages: list[Found]
    score: float
    pack: str
    indicators: list[Fired]


def _page(found: list[profile.NetworkSummary]) -> NetworkPage:
    return NetworkPage(total=len(found), results=found)


@router.post("/ads/load", **upload_route(ADS_BODY, MAX_LOAD_BYTES))
async def load_ads(
    principal: AdWriter,
    session: DbSession,
    request: Request,
    file_name: Annotated[str, Query(min_length=1, max_length=500)] = "upload",
) -> service.LoadOutcome:
    """Load ads (JSON lines or CSV): every row validated, all or nothing, idempotent."""
    data = await read_upload(request, MAX_LOAD_BYTES, "ads as JSON lines or CSV")
    return service.load_ads(session, data, file_name, principal.username)


@router.post("/ads/read")
def read_ads(_: AdReader, texts: AdTexts) -> list[ReadingOut]:
    """What each text hides (phones however written, e-mails, handles, prices, ages, cities)
    and which published indicators fire on it, with the words that fired them."""
    return [_reading(f"{item.title}\n{item.body}") for item in texts.texts]


def _reading(text: str) -> ReadingOut:
    extraction, score = read_text(text)
    return ReadingOut(
        phones=list(extraction.phones),
        emails=list(extraction.emails),
        handles=list(extraction.handles),
        prices=list(extraction.prices),
        specials=list(extraction.specials),
        cities=list(extraction.cities),
        ages=list(extraction.ages),
        score=score.score,
        pack=PACK_NAME,
        indicators=list(score.fired),
    )


@router.post("/build")
def build(principal: NetworkBuilder, session: DbSession) -> service.BuildOutcome:
    """Link every ad and store the networks; ids of networks that persist are kept."""
    return service.build_networks(session, principal.username)


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
            found.append(one)
    return ProfilesOut(profiles=found, missing=missing)
