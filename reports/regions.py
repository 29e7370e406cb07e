"""UN M49 regions (continental level) of ISO 3166-1 countries, for the donors' filters."""

from __future__ import annotations

from functools import cache

# Region code -> the countries in it (UN M49 geographic regions).
REGIONS: dict[str, str] = {
    "002": "DZ EG LY MA SD TN EH BI KM DJ ER ET KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW IO TF "
           "AO CM CF TD CG CD GQ GA ST BW SZ LS NA ZA BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG",
    "019": "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI "
           "BZ CR SV GT HN MX NI PA AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE BM CA GL PM US",
    "142": "KZ KG TJ TM UZ CN HK MO KP JP MN KR TW BN KH ID LA MY MM PH SG TH TL VN AF BD BT IN IR MV "
           "NP PK LK AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    "150": "BY BG CZ HU PL MD RO RU SK UA AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB AL AD BA HR "
           "GI GR VA IT MT ME MK PT SM RS SI ES AT BE FR DE LI LU MC NL CH",
    "009": "AU NZ HM NF CX CC FJ NC PG SB VU GU KI MH FM NR MP PW UM AS CK PF NU PN WS TK TO TV WF",
}


@cache
def countries_in(region: str) -> frozenset[str]:
    return frozenset(REGIONS.get(region, "").split())


def region_of(country: str) -> str | None:
    return next((code for code in REGIONS if country in countries_in(code)), None)


def region_names(lang: str) -> dict[str, str]:
    from babel import Locale

    territories = Locale.parse(lang).territories
    return {code: territories.get(code, code) for code in REGIONS}
