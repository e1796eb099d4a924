"""Name comparison across spellings, scripts, word orders and company forms.

The approach follows nomenklatura's logic-v2 name matcher: rigour analyses each name
into parts tagged with symbols (known given/family names across scripts, org classes
such as "Co., Ltd." = "Company Limited" = LLC, places, numbers, initials); the parts
that symbols pair up are matched first, the rest is aligned by edit distance, and parts
left over on either side pull the score down by how much they matter. The functions
here are ctip's own, small and separately explained, so that every number in a match
explanation can be traced to one of them.

What ctip adds: Chinese names are also compared through pinyin (新疆 meets Xinjiang),
company forms written in Han (有限公司) are detached before comparison, every
non-Latin name is also compared through its Latin transliteration, and a compact
comparison (spaces and company forms removed) catches joined and split words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import Final

from followthemoney import model
from followthemoney.exc import InvalidData
from rapidfuzz.distance import OSA, Levenshtein
from rigour.names import (
    Alignment,
    Name,
    NamePart,
    NamePartTag,
    NameTypeTag,
    Symbol,
    SymbolCategory,
    align_person_name_order,
    analyze_names,
    compare_parts,
    normalize_name,
    pair_symbols,
    remove_obj_prefixes,
    remove_org_types,
)
from rigour.text.scripts import codepoint_script

from ctip.matching.latin import ascii_latin

# How much a pair of parts matched through a shared symbol counts (score) and weighs
# (weight), by symbol category: an org class ("Ltd" ~ "Limited") is weak evidence of
# identity, a number ("Vessel 1" vs "Vessel 2") is strong.
SYMBOL_SCORE: Final[dict[SymbolCategory, float]] = {
    Symbol.Category.ORG_CLASS: 0.8,
    Symbol.Category.INITIAL: 0.9,
    Symbol.Category.NAME: 0.9,
    Symbol.Category.NICK: 0.6,
    Symbol.Category.SYMBOL: 0.9,
    Symbol.Category.DOMAIN: 0.9,
    Symbol.Category.NUMERIC: 0.9,
    Symbol.Category.LOCATION: 0.9,
}
SYMBOL_WEIGHT: Final[dict[SymbolCategory, float]] = {
    Symbol.Category.ORG_CLASS: 0.7,
    Symbol.Category.INITIAL: 0.5,
    Symbol.Category.NICK: 0.8,
    Symbol.Category.SYMBOL: 0.3,
    Symbol.Category.DOMAIN: 0.7,
    Symbol.Category.NUMERIC: 1.3,
    Symbol.Category.LOCATION: 0.8,
}
# How much a part found on one side only weighs, by the symbol it carries: a missing
# "Ltd" or a missing place ("Siemens Russia") matters less than a missing surname.
EXTRA_PART_WEIGHT: Final[dict[SymbolCategory, float]] = {
    Symbol.Category.ORG_CLASS: 0.5,
    Symbol.Category.SYMBOL: 0.7,
    Symbol.Category.LOCATION: 0.8,
}
# A number found on one side only ("Fund III", "Solutions II") names another entity,
# whichever side carries it.
EXTRA_NUMBER_WEIGHT: Final = 1.0
NUMBER: Final = -1.0  # marks a number among the extras (its weight is EXTRA_NUMBER_WEIGHT)
INITIAL_SCORE: Final = 0.9  # "V." against "Vladimir"
INITIAL_WEIGHT: Final = 0.5
EXTRA_QUERY_WEIGHT: Final = 0.8  # a query part the listed name lacks
EXTRA_LISTED_WEIGHT: Final = 0.25  # a listed part the query lacks (lists add middle names)
# When both sides keep a part the other lacks, one was put in place of the other
# ("Bank of Chad" / "Bank of China", "al-Mosuli" / "al-Tikriti"): that substitution is
# evidence of a different party, so the listed part weighs as much as the query part.
SUBSTITUTED_WEIGHT: Final = 1.0
# Two words aligned by position that share nothing are two unexplained words.
DISJOINT_PAIR_WEIGHT: Final = EXTRA_QUERY_WEIGHT + SUBSTITUTED_WEIGHT
FAMILY_NAME_WEIGHT: Final = 1.3  # surnames change less than given names
STOPWORD_WEIGHT: Final = 0.6
# Below this spelling agreement, two words are more likely two names than one misspelt
# ("Fujinwei" / "Fujian" 0.72): the score falls faster than the agreement.
FUZZY_KNEE: Final = 0.8
RARITY_FLOOR: Final = 0.5  # the weight left to an agreeing word every listed name has
MIN_STEM: Final = 4
DERIVED_WEIGHT: Final = 0.3
COMPACT_CAP: Final = 0.9  # a compact-form agreement alone never makes a certain match
# Typing errors cost about one edit per this many letters of the longer word; two words
# further apart than that budget are more likely two names ("Kravchenko" / "Tkachenko",
# "Lixiang" / "Linjiang") than one misspelt, and weigh as a substitution.
LETTERS_PER_EDIT: Final = 6
BUDGET_SHARE_SCALED: Final = 0.5  # at twice the budget or more, the spelling score shrinks


@dataclass(frozen=True)
class NameComparison:
    """The best agreement found between two names, with the alignment that explains it."""

    score: float
    query_name: str
    listed_name: str
    method: str
    detail: str


NO_COMPARISON: Final = NameComparison(0.0, "", "", "none", "no name compared")


@lru_cache(maxsize=8192)
def common_schema(left: str, right: str) -> str | None:
    """The most specific FtM schema both records can be, or None when they cannot be
    the same thing (a Person is never a Vessel; a Company can be a LegalEntity)."""
    try:
        return str(model.common_schema(left, right).name)
    except InvalidData:
        return None


def type_tag(schema: str) -> NameTypeTag:
    """How rigour should read a name of this schema: person, organisation or object."""
    found = model.get(schema)
    if found is None:
        return NameTypeTag.ENT
    if found.is_a("Person"):
        return NameTypeTag.PER
    if found.is_a("Organization"):
        return NameTypeTag.ORG
    if found.is_a("LegalEntity"):
        return NameTypeTag.ENT
    return NameTypeTag.OBJ


def _is_han(char: str) -> bool:
    """Han characters are written without spaces, so company forms sit glued to names."""
    return codepoint_script(ord(char)) == "Han"


JOINT_STOCK: Final = "股份"
""""Joint-stock", written before 有限公司 in a company limited by shares: part of the company
form, which rigour knows only without it, not of the name."""


def split_han_org_form(run: str) -> str:
    """Detach a company form written at the end of a Han run ("华孚色纺有限公司").

    rigour knows Chinese company forms but only as separate words; this tries each
    tail of the run against rigour's list, longest first, so no table is kept here.
    """
    for cut in range(1, len(run) - 1):
        head, tail = run[:cut], run[cut:]
        if remove_org_types(f"{head} {tail}").strip() != head:
            continue
        if head.endswith(JOINT_STOCK) and len(head) > len(JOINT_STOCK) + 1:
            head = head[: -len(JOINT_STOCK)]  # 股份有限公司 is a limited company as 有限公司 is
        return f"{head} {tail}"
    return run


def han_spaced(name: str) -> str:
    """The name with company forms in Han runs split off as their own word."""
    words = []
    for word in name.split():
        parts = ["".join(chars) for _, chars in groupby(word, key=_is_han)]
        words.append("".join(split_han_org_form(p) if _is_han(p[0]) else p for p in parts))
    return " ".join(words)


def has_han(name: str) -> bool:
    """Whether a name contains Chinese characters (so pinyin forms are worth trying)."""
    if name.isascii():
        return False
    return any(_is_han(char) for char in name)


def is_latin(name: str) -> bool:
    """Whether a name's letters are all Latin (no transliterated form needed)."""
    if name.isascii():
        return True
    return all(codepoint_script(ord(c)) in ("Latin", "Common") for c in name if c.isalpha())


@lru_cache(maxsize=4096)
def pinyin_variants(name: str) -> tuple[str, ...]:
    """Latin forms of a Chinese name: syllables spaced, and joined per Han word.

    ICU writes one syllable per character ("xi jin ping"); romanised lists join a
    word's syllables ("Xi Jinping", "Xinjiang"). The compact comparison covers the
    rest of the ways syllables are grouped.
    """
    spaced = han_spaced(name)
    syllables = ascii_latin(spaced)
    joined = " ".join(
        "".join(ascii_latin(w).split()) if has_han(w) else ascii_latin(w) for w in spaced.split()
    )
    return tuple(dict.fromkeys(v for v in (syllables, joined) if v.strip()))


WARM_UP_NAMES: Final = ("Светлана Попова", "Vladimir Putin", "Huafu Textile Co., Ltd.", "新疆华孚")


def load_name_data() -> None:
    """Have rigour load its name data now rather than amid the first screening.

    rigour reads its tables of given names, org types and scripts on first use; the
    first Cyrillic person name alone takes about ten seconds on a small machine.
    """
    for tag in (NameTypeTag.PER, NameTypeTag.ORG, NameTypeTag.ENT):
        analyze_names(tag, list(WARM_UP_NAMES), infer_initials=True, consolidate=False)


def analysed(tag: NameTypeTag, text: str, is_query: bool) -> tuple[Name, ...]:
    """rigour's analysis of one name (parts, tags, symbols).

    Queries infer initials ("J Smith"); listed names are taken as written.
    """
    return tuple(analyze_names(tag, [text], infer_initials=is_query, consolidate=False))


def name_forms(tag: NameTypeTag, text: str, is_query: bool) -> tuple[Name, ...]:
    """The analysed forms of a query or of a listed name, each from its own cache.

    Analysis is the dearest step of a comparison (about a third of a millisecond a
    name); listed names are met again and again and keep a large cache of their own,
    so that a run of queries, each seen once or twice, never pushes them out.
    """
    if is_query:
        return query_forms(tag, text)
    return listed_forms(tag, text)


@lru_cache(maxsize=10_000)
def query_forms(tag: NameTypeTag, text: str) -> tuple[Name, ...]:
    """The analysed forms of a query name (see `analysed_forms`)."""
    return analysed_forms(tag, text, True)


@lru_cache(maxsize=200_000)
def listed_forms(tag: NameTypeTag, text: str) -> tuple[Name, ...]:
    """The analysed forms of a listed name or alias (see `analysed_forms`)."""
    return analysed_forms(tag, text, False)


def analysed_forms(tag: NameTypeTag, text: str, is_query: bool) -> tuple[Name, ...]:
    """Every analysed form a name is compared under: as written, transliterated,
    and (for Chinese) in pinyin with company forms detached."""
    texts = [han_spaced(text) if has_han(text) else text]
    if has_han(text):
        texts.extend(pinyin_variants(text))
    elif not is_latin(text):
        texts.append(ascii_latin(text))
    forms: dict[str, Name] = {}
    for variant in texts:
        for name in analysed(tag, variant, is_query):
            forms.setdefault(name.comparable, name)
    return tuple(forms.values())


def _extra_weights(name: Name) -> dict[tuple[NamePart, ...], float]:
    """For parts a name may carry without the other side, how much their absence weighs."""
    weights: dict[tuple[NamePart, ...], float] = {}
    for span in name.spans:
        if span.symbol.category == Symbol.Category.NUMERIC and _is_number(span.parts):
            weights[span.parts] = NUMBER
            continue
        weight = EXTRA_PART_WEIGHT.get(span.symbol.category, 1.0)
        if weight != 1.0:
            weights[span.parts] = weights.get(span.parts, 1.0) * weight
    return weights


def _is_number(parts: tuple[NamePart, ...]) -> bool:
    """Whether a span is a real number (digits or a roman numeral), not a lone letter."""
    return len(parts) == 1 and (parts[0].numeric or len(parts[0].comparable) >= 2)


def _weigh_symbol_edges(edges: list[Alignment]) -> list[Alignment]:
    """Score each symbol pairing by what the symbol is (an org class, a known name...)."""
    for edge in edges:
        if edge.symbol is not None:
            edge.score = SYMBOL_SCORE.get(edge.symbol.category, 1.0)
            edge.weight = SYMBOL_WEIGHT.get(edge.symbol.category, 1.0)
    return edges


def _residue(query: Name, listed: Name, edges: list[Alignment]) -> list[Alignment]:
    """Align the parts no symbol explained, by edit distance, in a comparable order.

    Person names are put into the same given/family order first, so "PUTIN, Vladimir"
    and "Vladimir Putin" align; organisation names keep their tag order.
    """
    used_q = {p for e in edges for p in e.qps}
    used_r = {p for e in edges for p in e.rps}
    rest_q = [p for p in query.parts if p not in used_q]
    rest_r = [p for p in listed.parts if p not in used_r]
    if not rest_q and not rest_r:
        return []
    same, rest_q, rest_r = _pair_equal_parts(rest_q, rest_r)
    if NameTypeTag.PER in (query.tag, listed.tag):
        rest_q, rest_r = align_person_name_order(rest_q, rest_r)
    else:
        rest_q, rest_r = NamePart.tag_sort(rest_q), NamePart.tag_sort(rest_r)
    return same + list(compare_parts(rest_q, rest_r))


def _pair_equal_parts(
    rest_q: list[NamePart], rest_r: list[NamePart]
) -> tuple[list[Alignment], list[NamePart], list[NamePart]]:
    """Pair words written the same on both sides wherever they stand.

    The edit-distance alignment keeps word order, so "Huafu Textile Xinjiang" and
    "Xinjiang Huafu Textile" would leave "Xinjiang" unpaired on both sides.
    """
    pairs: list[Alignment] = []
    unpaired_r = list(rest_r)
    unpaired_q = []
    for part in rest_q:
        twin = next((r for r in unpaired_r if r.comparable == part.comparable), None)
        if twin is None:
            unpaired_q.append(part)
            continue
        unpaired_r.remove(twin)
        pairs.append(Alignment(qps=[part], rps=[twin], score=1.0))
    return pairs, unpaired_q, unpaired_r


Extras = dict[tuple[NamePart, ...], float]


def _is_initial_of(match: Alignment) -> bool:
    """One side is a single letter that begins the other ("V." / "Vladimir")."""
    if len(match.qps) != 1 or len(match.rps) != 1:
        return False
    short, long = sorted((match.qps[0].comparable, match.rps[0].comparable), key=len)
    return len(short) == 1 and len(long) > 1 and long.startswith(short)


def _typo_budget_share(match: Alignment) -> float:
    """For two single words more edits apart than typing errors explain (see
    LETTERS_PER_EDIT), the budget's share of their edits; 0 when within it.
    Swapped neighbours count as one edit."""
    if len(match.qps) != 1 or len(match.rps) != 1:
        return 0.0
    left, right = match.qps[0].comparable, match.rps[0].comparable
    budget = max(1, max(len(left), len(right)) // LETTERS_PER_EDIT)
    edits = OSA.distance(left, right)
    return budget / edits if edits > budget else 0.0


def _weigh_beyond_typo(match: Alignment, share: float) -> None:
    """Two words more edits apart than typing explains weigh as a substitution; one
    edit over the budget ("Michel" / "Michelle") keeps the usual spelling score, two
    or more ("Kravchenko" / "Tkachenko") scale it by the budget's share of the edits."""
    match.weight = DISJOINT_PAIR_WEIGHT
    if share < BUDGET_SHARE_SCALED:
        match.score = min(1.0, match.score) * share**0.5
    elif match.score < FUZZY_KNEE:
        match.score *= match.score / FUZZY_KNEE


def _adjust(match: Alignment, extras_q: Extras, extras_r: Extras, substituted: bool) -> None:
    """Weigh one alignment in context: unmatched parts, initials, stop words, family names."""
    if not match.qps:
        listed_weight = SUBSTITUTED_WEIGHT if substituted else EXTRA_LISTED_WEIGHT
        factor = extras_r.get(tuple(match.rps), 1.0)
        match.weight = EXTRA_NUMBER_WEIGHT if factor == NUMBER else listed_weight * factor
    elif not match.rps:
        factor = extras_q.get(tuple(match.qps), 1.0)
        match.weight = EXTRA_NUMBER_WEIGHT if factor == NUMBER else EXTRA_QUERY_WEIGHT * factor
    elif match.score < INITIAL_SCORE and _is_initial_of(match):
        match.score, match.weight = INITIAL_SCORE, INITIAL_WEIGHT
    elif match.score <= 0.0 and match.symbol is None:
        match.weight = DISJOINT_PAIR_WEIGHT
    elif match.score < 1.0 and match.symbol is None and (share := _typo_budget_share(match)):
        _weigh_beyond_typo(match, share)
    elif match.score < FUZZY_KNEE and match.symbol is None:
        match.score *= match.score / FUZZY_KNEE
    parts = [*match.qps, *match.rps]
    if any(p.tag == NamePartTag.STOP for p in parts) and len(parts) <= 2:
        match.weight *= STOPWORD_WEIGHT
    if match.score < 1.0 and match.qps and match.rps and match.qstr == match.rstr:
        match.score = 1.0
    if any(p.tag == NamePartTag.FAMILY for p in parts):
        match.weight *= FAMILY_NAME_WEIGHT


def _discount_derived(matches: list[Alignment]) -> None:
    """A leftover part built on a matched one ("Vladimirovich" beside "Vladimir", a
    patronymic) repeats what already matched: it weighs less than a new name would."""
    leftovers = [m for m in matches if not (m.qps and m.rps)]
    if not leftovers:
        return
    stems = {p.comparable for m in matches if m.qps and m.rps for p in (*m.qps, *m.rps)}
    stems = {stem for stem in stems if len(stem) >= MIN_STEM}
    for match in leftovers:
        parts = match.qps or match.rps
        if any(p.comparable.startswith(stem) for p in parts for stem in stems):
            match.weight *= DERIVED_WEIGHT


def _has_substitution(matches: list[Alignment]) -> bool:
    """Both names keep a word (not a company form or stop word) the other lacks."""

    def real(parts: Sequence[NamePart]) -> bool:
        return any(p.tag not in (NamePartTag.STOP, NamePartTag.LEGAL) for p in parts)

    only_query = any(not m.rps and real(m.qps) for m in matches)
    only_listed = any(not m.qps and real(m.rps) for m in matches)
    return only_query and only_listed


def weighted_mean(matches: list[Alignment]) -> float:
    """The alignment score of a whole name: part scores averaged by their weights."""
    total = sum(m.weight for m in matches)
    return sum(m.score * m.weight for m in matches) / total if total > 0 else 0.0


Rarity = Callable[[str], float]


def _apply_rarity(matches: list[Alignment], rarity: Rarity) -> None:
    """Weigh plain words by how rare they are among the listed names.

    A word most listed companies carry ("Textile", "Garments") agreeing says little;
    a rare listed word (the brand) left unmatched says a lot, however long the listed
    name. Symbol-tagged parts keep their symbol weights.
    """
    for match in matches:
        if match.symbol is not None or not match.rps:
            continue
        value = max(rarity(p.comparable) for p in match.rps)
        if match.qps:
            match.weight *= RARITY_FLOOR + (1 - RARITY_FLOOR) * value
        else:
            match.weight = max(match.weight, EXTRA_QUERY_WEIGHT * value)


def align_names(
    query: Name, listed: Name, rarity: Rarity | None = None
) -> tuple[float, list[Alignment]]:
    """The best way the parts of two analysed names line up, and its score."""
    if query.comparable == listed.comparable:
        return 1.0, [Alignment(qps=query.parts, rps=listed.parts, score=1.0)]
    extras_q, extras_r = _extra_weights(query), _extra_weights(listed)
    best: tuple[float, list[Alignment]] = (-1.0, [])
    for pairing in pair_symbols(query, listed):
        edges = _weigh_symbol_edges(list(pairing))
        matches = edges + _residue(query, listed, edges)
        substituted = _has_substitution(matches)
        for match in matches:
            _adjust(match, extras_q, extras_r, substituted)
        _discount_derived(matches)
        if rarity is not None and listed.tag != NameTypeTag.PER:
            _apply_rarity(matches, rarity)
        value = weighted_mean(matches)
        if value > best[0]:
            best = (value, matches)
            if value >= 1.0:
                break
    return best


def explain_alignment(matches: list[Alignment]) -> str:
    """The alignment in words: which parts met, how, and what was left over."""
    words = []
    for m in matches:
        if m.symbol is not None:
            how = f"{m.qstr!r}~{m.rstr!r} same {str(m.symbol.category).rpartition('.')[2].lower()}"
        elif not m.qstr:
            how = f"{m.rstr!r} only listed"
        elif not m.rstr:
            how = f"{m.qstr!r} only in query"
        elif m.qstr == m.rstr:
            how = f"{m.qstr!r} equal"
        else:
            how = f"{m.qstr!r}~{m.rstr!r} spelling"
        words.append(f"[{how} {m.score:.2f}x{m.weight:.2f}]")
    return " ".join(words)


@lru_cache(maxsize=50_000)
def compact(tag: NameTypeTag, text: str) -> str:
    """Latin letters and digits only, company forms removed: "Xin Jiang Co" -> "xinjiang"."""
    spaced = han_spaced(text)
    if tag in (NameTypeTag.ORG, NameTypeTag.ENT):
        spaced = remove_org_types(spaced)
    return "".join(ch for ch in ascii_latin(spaced).lower() if ch.isalnum())


def compact_similarity(tag: NameTypeTag, query: str, listed: str) -> float:
    """Agreement of two names with spaces and company forms removed (joined words,
    syllables grouped differently), scaled so that only near-identity counts."""
    if len(query.split()) == len(listed.split()):
        return 0.0  # same segmentation: the part alignment already decides
    left, right = compact(tag, query), compact(tag, listed)
    if min(len(left), len(right)) < 6:
        return 0.0
    similarity = Levenshtein.normalized_similarity(left, right)
    return COMPACT_CAP * max(0.0, (similarity - 0.8) / 0.2)


def compare_object_names(query: str, listed: str) -> NameComparison:
    """Vessels and other objects: prefixes ("M/V") off, strict edit distance, numbers must agree."""
    left = remove_obj_prefixes(normalize_name(query) or "")
    right = remove_obj_prefixes(normalize_name(listed) or "")
    if not left or not right:
        return NO_COMPARISON
    value = strict_similarity(left, right)
    if _digits(left) != _digits(right):
        value *= 0.5
    return NameComparison(value, query, listed, "object", f"{left!r}~{right!r} {value:.2f}")


def strict_similarity(left: str, right: str) -> float:
    """Edit similarity that allows one edit per five characters and no more.

    Vessel names are short and distinct ("Snow" and "Snoe" are two ships), so a typo
    budget that grows with length, and nothing beyond it, keeps them apart.
    """
    longest = max(len(left), len(right))
    allowed = longest // 5
    edits = Levenshtein.distance(left, right, score_cutoff=allowed + 1)
    if edits > allowed:
        return 0.0
    return float((1 - edits / longest) ** max(1, allowed))


def _digits(text: str) -> set[str]:
    """The numbers in a name (hull numbers, fund numbers), which must agree."""
    return {token for token in "".join(c if c.isdigit() else " " for c in text).split()}


CJK_SCRIPTS: Final = frozenset({"Han", "Hangul", "Hiragana", "Katakana"})


CJK_SHARE: Final = 0.9  # a stray Latin letter typed into a Han name keeps it Han


def cjk_only(name: str) -> bool:
    """Whether a name is written in Chinese, Japanese or Korean characters (a stray
    letter of another script, a typing error, aside)."""
    letters = [c for c in name if c.isalpha()]
    cjk = sum(1 for c in letters if codepoint_script(ord(c)) in CJK_SCRIPTS)
    return bool(letters) and cjk >= CJK_SHARE * len(letters)


def compare_cjk_names(query: str, listed: str) -> NameComparison:
    """Two names both in CJK characters are compared character by character.

    Each character is a syllable with its own meaning; two different characters that
    read the same (高市 / 高石) are different names, which a transliteration would hide.
    One character in three differing is one name part in three, so the similarity is
    sharpened: squared without company forms (which say nothing), cubed with them (a
    company form may itself be misspelt, "有公限司", and then cannot be removed).
    """
    bare = OSA.normalized_similarity(_cjk_letters(query), _cjk_letters(listed)) ** 2
    whole = OSA.normalized_similarity(_cjk_letters(query, False), _cjk_letters(listed, False)) ** 3
    value = max(bare, whole)
    detail = f"{query!r}~{listed!r} {value:.2f} by characters"
    return NameComparison(value, query, listed, "characters", detail)


def _cjk_letters(name: str, strip_forms: bool = True) -> str:
    """The characters of a CJK name, by default without company forms."""
    stripped = remove_org_types(han_spaced(name)) if strip_forms else name
    return "".join(c for c in (stripped if stripped.strip() else name) if c.isalpha())


def _scripts_apart(tag: NameTypeTag, query: Name, listed: Name) -> bool:
    """A company name in Han against one in Latin letters: they meet through the
    pinyin form, so aligning them as written is skipped (one alignment per Han alias
    saved, and it found nothing on the name bench). Persons keep every pairing:
    rigour knows some given names across scripts."""
    return tag != NameTypeTag.PER and has_han(query.comparable) != has_han(listed.comparable)


def compare_name_pair(
    tag: NameTypeTag, query: str, listed: str, rarity: Rarity | None = None
) -> NameComparison:
    """Compare one query name with one listed name under every form of both."""
    if tag == NameTypeTag.OBJ:
        return compare_object_names(query, listed)
    if cjk_only(query) and cjk_only(listed):
        return compare_cjk_names(query, listed)
    best = NO_COMPARISON
    for q_form in name_forms(tag, query, True):
        for l_form in name_forms(tag, listed, False):
            if _scripts_apart(tag, q_form, l_form):
                continue
            value, matches = align_names(q_form, l_form, rarity)
            if value > best.score or best.method == "none":
                detail = explain_alignment(matches)
                best = NameComparison(value, query, listed, "parts", detail)
    compact_value = compact_similarity(tag, query, listed)
    if compact_value > best.score:
        detail = f"{compact(tag, query)!r}~{compact(tag, listed)!r} written together"
        best = NameComparison(compact_value, query, listed, "compact", detail)
    return best


def best_name_match(
    tag: NameTypeTag,
    queries: tuple[str, ...],
    listed: tuple[str, ...],
    rarity: Rarity | None = None,
) -> NameComparison:
    """The best agreement between any query name and any listed name or alias."""
    best = NO_COMPARISON
    for query in queries:
        for name in listed:
            found = compare_name_pair(tag, query, name, rarity)
            if found.score > best.score or best.method == "none":
                best = found
                if found.score >= 1.0:
                    return best
    return best
