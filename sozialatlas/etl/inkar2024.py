"""INKAR 2024 (BBSR), complete Thuringian release via the `inkr` tables → data/beobachtungen/inkar2024*.csv.

Raw folder `bbsr_inkar2024_via_inkr` (see its PROVENANCE.md): one long CSV per INKAR "Bereich"
(`raumbezug, kennziffer, name, zeitbezug, kuerzel, wert`) and INKAR's own metadata per Kürzel.

- Values are carried as the published text (never rounded, never recomputed); status `ok`.
- Land values are INKAR's Land rows (`Bundesländer`, 16), never averaged from Kreise.
- Kreise: INKAR publishes all years on its 2022 Gebietsstand (22 Kreise, Eisenach inside the
  Wartburgkreis also before 2021) → gebietsstand `ab-2021-07-01`. INKAR publishes no numerators or
  denominators, so these series cannot be converted to the 23 Kreise before 01.07.2021.
- Gemeinden: the 631 Gemeinden of 31.12.2021 → gebietsstand `2021-12-31`.
- Breaks documented in INKAR's remarks (`anmerkungen`) are written to data/brueche.csv (indicator, first
  year of the new series, the German sentence from the metadata) and noted on the observation of that year.

Every raw problem stops with a German message naming file and row (RawInputError).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sozialatlas.errors import RawInputError
from sozialatlas.etl import rawio
from sozialatlas.etl.writers import OBS_COLUMNS, write_csv, write_observations

RAW_DIR = "bbsr_inkar2024_via_inkr"
META_FILE = "inkar2024_indikatoren.csv"
DATA_FILE = "inkar2024_TH_{}.csv"
RAW_COLUMNS = ["raumbezug", "kennziffer", "name", "zeitbezug", "kuerzel", "wert"]
META_COLUMNS = [
    "kuerzel",
    "kurzname",
    "name",
    "bereich",
    "rubrik",
    "algorithmus",
    "anmerkungen",
    "statistische_grundlagen",
]
QUELLE = "inkar_2024_inkr"
LIZENZ = "INKAR © BBSR Bonn 2024, dl-de/by-2-0"
OUT_KREIS = "beobachtungen/inkar2024.csv"  # Land and Kreise
OUT_GEMEINDE = "beobachtungen/inkar2024_gemeinden.csv"
OUT_BRUECHE = "brueche.csv"
BRUECHE_COLUMNS = ["indikator", "jahr", "hinweis", "quelle"]

GS_KREIS, GS_GEMEINDE, GS_LAND = "ab-2021-07-01", "2021-12-31", "-"
# raumbezug → (ebene, gebietsstand, key pattern); Gemeindeverbände are not taken (see the scope).
RAUMBEZUG = {
    "Bundesländer": ("land", GS_LAND, r"16"),
    "Kreise": ("kreis", GS_KREIS, r"16\d{3}000"),
    "Gemeinden": ("gemeinde", GS_GEMEINDE, r"16\d{6}"),
    "Gemeindeverbände (Verwaltungsgemeinschaft)": (None, None, r"16\d{7}"),
}
N_GEMEINDEN = 631
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_YEAR = re.compile(r"(19|20)\d{2}")

KREIS_HINWEIS_EISENACH = (
    "INKAR-Gebietsstand 2022: Wartburgkreis einschließlich Eisenach (bis 30.06.2021 kreisfreie Stadt 16056)"
)

GEBIETSSTAND_SATZ = (
    " Kreiswerte: INKAR rechnet alle Jahre auf den Gebietsstand 2022 um (22 Kreise, Eisenach "
    "auch vor dem 01.07.2021 im Wartburgkreis); Zähler und Nenner veröffentlicht INKAR nicht, "
    "daher keine Umrechnung auf die 23 Kreise. Landeswerte sind die INKAR-Werte für Thüringen."
)


@dataclass(frozen=True)
class Spec:
    kuerzel: str
    id: str
    name: str
    lebenslage: str
    polaritaet: str
    einheit: str
    dezimalen: int
    bereich: str  # file suffix = INKAR Bereich
    wertung: str = ""  # why this polarity, where not obvious
    # indicator already in the catalogue from the older INKAR extract: only add what it lacks
    ergaenzt: bool = False


MSV, SOZ, BIL, SIE, WIR = (
    "medizinische_und_soziale_versorgung",
    "sozialleistungen",
    "bildung",
    "siedlungsstruktur",
    "wirtschaft",
)
B, S, N = "hoeher_besser", "hoeher_schlechter", "neutral"

SPECS = [
    # ---------------------------------------------------------------- Gesundheit
    Spec(
        "q_ärzte_bev",
        "aerzte_je_10000_ew",
        "Ärzte je 10.000 Einwohner",
        "gesundheit",
        B,
        "je 10.000 Einwohner",
        2,
        MSV,
        "Mehr niedergelassene Ärzte bedeuten eine bessere wohnortnahe Versorgung.",
    ),
    Spec(
        "q_hausarzt_bev",
        "hausaerzte_je_10000_ew",
        "Hausärzte je 10.000 Einwohner",
        "gesundheit",
        B,
        "je 10.000 Einwohner",
        2,
        MSV,
        "Mehr Hausärzte bedeuten eine bessere wohnortnahe Grundversorgung.",
    ),
    Spec(
        "q_allgemeinärzte_bev",
        "allgemeinaerzte_je_10000_ew",
        "Allgemeinärzte je 10.000 Einwohner",
        "gesundheit",
        B,
        "je 10.000 Einwohner",
        2,
        MSV,
        "Mehr Allgemeinärzte bedeuten eine bessere Grundversorgung.",
    ),
    Spec(
        "q_internist_bev",
        "internisten_je_10000_ew",
        "Internisten je 10.000 Einwohner",
        "gesundheit",
        B,
        "je 10.000 Einwohner",
        2,
        MSV,
        "Mehr Internisten bedeuten eine bessere fachärztliche Versorgung.",
    ),
    Spec(
        "q_kinderarzt_kinder",
        "kinderaerzte_je_10000_kinder",
        "Kinderärzte je 10.000 Kinder unter 15 Jahren",
        "gesundheit",
        B,
        "je 10.000 Kinder unter 15 Jahren",
        2,
        MSV,
        "Mehr Kinderärzte bedeuten eine bessere Versorgung der Kinder.",
    ),
    Spec(
        "q_betten_bev",
        "krankenhausbetten_je_1000_ew",
        "Krankenhausbetten je 1.000 Einwohner",
        "gesundheit",
        N,
        "je 1.000 Einwohner",
        2,
        MSV,
        "Ohne Wertung: Krankenhäuser versorgen auch die Nachbarkreise, Kreise ohne "
        "Krankenhaus haben 0 Betten, ohne schlechter versorgt zu sein.",
    ),
    Spec(
        "q_pfl",
        "pflegebeduerftige_je_100_ew",
        "Pflegebedürftige je 100 Einwohner",
        "gesundheit",
        S,
        "je 100 Einwohner",
        2,
        MSV,
        "Höher = größerer Pflege- und Unterstützungsbedarf in der Bevölkerung.",
    ),
    Spec(
        "q_pflpl_bev",
        "pflegeheimplaetze_je_10000_ew",
        "Plätze in Pflegeheimen je 10.000 Einwohner",
        "gesundheit",
        N,
        "je 10.000 Einwohner",
        2,
        MSV,
        "Ohne Wertung: mehr Plätze sind ein größeres Angebot, "
        "nach dem Grundsatz „ambulant vor stationär“ aber kein Ziel an sich.",
    ),
    Spec(
        "q_pers_pd_pfl",
        "personal_ambulante_pflege_je_100",
        "Personal ambulanter Pflegedienste je 100 ambulant Pflegebedürftige",
        "gesundheit",
        B,
        "je 100 ambulant Pflegebedürftige",
        2,
        MSV,
        "Mehr Personal je Pflegebedürftigem bedeutet eine bessere Versorgung.",
    ),
    Spec(
        "q_pers_ph_pfl",
        "personal_pflegeheime_je_100",
        "Personal in Pflegeheimen je 100 stationär Pflegebedürftige",
        "gesundheit",
        B,
        "je 100 stationär Pflegebedürftige",
        2,
        MSV,
        "Mehr Personal je Pflegebedürftigem bedeutet eine bessere Versorgung.",
    ),
    Spec(
        "a_pfl_amb",
        "anteil_pflege_ambulant",
        "Pflegebedürftige in ambulanter Pflege (Anteil)",
        "gesundheit",
        N,
        "Prozent der Pflegebedürftigen",
        2,
        MSV,
        "Ohne Wertung: beschreibt die Form der Versorgung.",
    ),
    Spec(
        "a_pfl_st",
        "anteil_pflege_stationaer",
        "Pflegebedürftige in stationärer Dauerpflege (Anteil)",
        "gesundheit",
        N,
        "Prozent der Pflegebedürftigen",
        2,
        MSV,
        "Ohne Wertung: beschreibt die Form der Versorgung.",
    ),
    # ---------------------------------------------------------------- Familie
    Spec(
        "q_newfBGu15_bev",
        "kinderarmut_sgb2_u15",
        "Kinderarmut: Kinder unter 15 Jahren mit SGB-II-Leistungen",
        "familie",
        S,
        "je 100 Einwohner unter 15 Jahren",
        2,
        SOZ,
        "Höher = mehr Kinder in Familien, die von Grundsicherung leben (Kinderarmut).",
    ),
    Spec(
        "a_BGKind",
        "anteil_bg_mit_kindern",
        "Bedarfsgemeinschaften mit Kindern (Anteil)",
        "familie",
        N,
        "Prozent der Bedarfsgemeinschaften",
        2,
        SOZ,
        "Ohne Wertung: beschreibt die Zusammensetzung der Bedarfsgemeinschaften, nicht die Häufigkeit von Armut.",
    ),
    Spec(
        "a_ewfBG_allein",
        "anteil_alleinerziehende_elb",
        "Alleinerziehende unter den erwerbsfähigen SGB-II-Leistungsberechtigten (Anteil)",
        "familie",
        N,
        "Prozent der erwerbsfähigen Leistungsberechtigten",
        2,
        SOZ,
        "Ohne Wertung: beschreibt die Zusammensetzung der Leistungsberechtigten (Zielgruppe Alleinerziehende).",
    ),
    Spec(
        "a_eg_m",
        "anteil_vaeter_elterngeld",
        "Väteranteil am Elterngeld",
        "familie",
        B,
        "Prozent der Elterngeldbeziehenden",
        2,
        SOZ,
        "Höher = Väter beteiligen sich häufiger an der Betreuung (Vereinbarkeit von Familie und Beruf).",
    ),
    Spec(
        "q_va_kinder",
        "elterngeld_vaeter_je_100_kinder",
        "Elterngeld beziehende Väter je 100 Kinder unter 1 Jahr",
        "familie",
        B,
        "je 100 Kinder unter 1 Jahr",
        2,
        SOZ,
        "Höher = Väter beteiligen sich häufiger an der Betreuung (Vereinbarkeit von Familie und Beruf).",
    ),
    # ---------------------------------------------------------------- Bildung und Betreuung
    Spec(
        "a_betr0003_bev0003",
        "betreuungsquote_u3",
        "Betreuungsquote Kinder unter 3 Jahren (Kita)",
        "bildung",
        B,
        "Prozent der Kinder unter 3 Jahren",
        2,
        MSV,
        "Höher = mehr Kleinkinder in frühkindlicher Bildung.",
    ),
    Spec(
        "a_betr0306_bev0306",
        "betreuungsquote_3_6",
        "Betreuungsquote Kinder von 3 bis unter 6 Jahren (Kita)",
        "bildung",
        B,
        "Prozent der Kinder von 3 bis unter 6 Jahren",
        2,
        MSV,
        "Höher = mehr Kinder in frühkindlicher Bildung.",
    ),
    Spec(
        "a_gbetr0003_bev0003",
        "ganztagsquote_u3",
        "Ganztagsbetreuung Kinder unter 3 Jahren (7 Stunden und mehr)",
        "bildung",
        B,
        "Prozent der Kinder unter 3 Jahren",
        2,
        MSV,
        "Höher = mehr Ganztagsplätze (Vereinbarkeit, frühkindliche Bildung).",
    ),
    Spec(
        "a_gbetr0306_bev0306",
        "ganztagsquote_3_6",
        "Ganztagsbetreuung Kinder von 3 bis unter 6 Jahren (7 Stunden und mehr)",
        "bildung",
        B,
        "Prozent der Kinder von 3 bis unter 6 Jahren",
        2,
        MSV,
        "Höher = mehr Ganztagsplätze (Vereinbarkeit, frühkindliche Bildung).",
    ),
    Spec(
        "a_kb_IgEinr",
        "anteil_integrative_kitas",
        "Integrative Kindertageseinrichtungen (Anteil)",
        "bildung",
        B,
        "Prozent der Kindertageseinrichtungen",
        2,
        MSV,
        "Höher = mehr gemeinsame Förderung (Inklusion).",
    ),
    Spec(
        "q_kb_Pers",
        "kitaplaetze_je_fachkraft",
        "Kita-Plätze je pädagogisch tätige Person (Vollzeit)",
        "bildung",
        S,
        "Plätze je Vollzeitstelle",
        2,
        MSV,
        "Höher = mehr Kinder je Fachkraft (ungünstigerer Personalschlüssel).",
    ),
    Spec(
        "a_schul_abi",
        "schulabgaenger_hochschulreife",
        "Schulabgänger mit Hochschulreife",
        "bildung",
        B,
        "Prozent der Schulabgänger",
        2,
        BIL,
        "Höher = mehr Abschlüsse mit Hochschulreife.",
    ),
    Spec(
        "a_schul_abi_m",
        "schulabgaenger_hochschulreife_m",
        "Schulabgänger mit Hochschulreife (männlich)",
        "bildung",
        B,
        "Prozent der männlichen Schulabgänger",
        2,
        BIL,
        "Höher = mehr Abschlüsse mit Hochschulreife.",
    ),
    Spec(
        "a_schul_abi_w",
        "schulabgaenger_hochschulreife_w",
        "Schulabgängerinnen mit Hochschulreife (weiblich)",
        "bildung",
        B,
        "Prozent der weiblichen Schulabgänger",
        2,
        BIL,
        "Höher = mehr Abschlüsse mit Hochschulreife.",
    ),
    Spec("a_schul_oA", "schulabgaenger_ohne_hauptschulabschluss", "", "bildung", S, "", 2, BIL, ergaenzt=True),
    Spec(
        "a_schul_oA_m",
        "schulabgaenger_ohne_hauptschulabschluss_m",
        "Schulabgänger ohne Hauptschulabschluss (männlich)",
        "bildung",
        S,
        "Prozent der männlichen Schulabgänger",
        2,
        BIL,
        "Höher = mehr Jugendliche ohne Abschluss.",
    ),
    Spec(
        "a_schul_oA_w",
        "schulabgaenger_ohne_hauptschulabschluss_w",
        "Schulabgängerinnen ohne Hauptschulabschluss (weiblich)",
        "bildung",
        S,
        "Prozent der weiblichen Schulabgänger",
        2,
        BIL,
        "Höher = mehr Jugendliche ohne Abschluss.",
    ),
    Spec(
        "q_auspl",
        "ausbildungsplatzangebot",
        "Ausbildungsplatzangebot je 100 Nachfragende",
        "bildung",
        B,
        "Angebote je 100 Nachfragende",
        2,
        BIL,
        "Höher = mehr betriebliche Ausbildungsplätze je Bewerber.",
    ),
    Spec(
        "q_azubi_1525",
        "auszubildende_je_100_ew_15_25",
        "Auszubildende je 100 Einwohner von 15 bis unter 25 Jahren",
        "bildung",
        N,
        "je 100 Einwohner von 15 bis unter 25 Jahren",
        2,
        BIL,
        "Ohne Wertung: Hochschulstandorte haben wegen der Studierenden niedrige Werte.",
    ),
    Spec(
        "q_stud",
        "studierende_je_1000_ew",
        "Studierende je 1.000 Einwohner",
        "bildung",
        N,
        "je 1.000 Einwohner",
        2,
        BIL,
        "Ohne Wertung: zeigt Hochschulstandorte, nicht die Bildungschancen der Bevölkerung.",
    ),
    # ---------------------------------------------------------------- Wohnen
    Spec(
        "a_HHwg",
        "wohngeldhaushalte_je_1000_hh",
        "Wohngeldhaushalte je 1.000 Haushalte",
        "wohnen",
        S,
        "je 1.000 Haushalte",
        2,
        SOZ,
        "Höher = mehr Haushalte, die ihre Wohnkosten nicht allein tragen können.",
    ),
    Spec(
        "a_WGmietzu",
        "anteil_wohngeld_mietzuschuss",
        "Wohngeld als Mietzuschuss (Anteil der Wohngeldhaushalte)",
        "wohnen",
        N,
        "Prozent der Wohngeldhaushalte",
        2,
        SOZ,
        "Ohne Wertung: beschreibt, ob Wohngeldhaushalte zur Miete oder im Eigentum wohnen.",
    ),
    Spec(
        "a_WGlastzu",
        "anteil_wohngeld_lastenzuschuss",
        "Wohngeld als Lastenzuschuss (Anteil der Wohngeldhaushalte)",
        "wohnen",
        N,
        "Prozent der Wohngeldhaushalte",
        2,
        SOZ,
        "Ohne Wertung: beschreibt, ob Wohngeldhaushalte zur Miete oder im Eigentum wohnen.",
    ),
    Spec(
        "d_Unterkunft_Lstg",
        "kdu_sgb2_je_bg",
        "Kosten der Unterkunft (SGB II) je Bedarfsgemeinschaft",
        "wohnen",
        S,
        "Euro je Monat und Bedarfsgemeinschaft",
        2,
        SOZ,
        "Höher = höhere anerkannte Wohnkosten (Mietniveau).",
    ),
    Spec(
        "d_Wohngeld_Lstg",
        "wohngeld_je_haushalt",
        "Durchschnittliches Wohngeld je Empfängerhaushalt",
        "wohnen",
        N,
        "Euro je Monat und Haushalt",
        2,
        SOZ,
        "Ohne Wertung: hängt von Einkommen, Haushaltsgröße und Miete ab.",
    ),
    # ---------------------------------------------------------------- Ökonomische Situation
    Spec(
        "q_SGBII",
        "sgb2_quote",
        "SGB-II-Quote",
        "oekonomie",
        S,
        "Prozent der Einwohner unter 65 Jahren",
        2,
        SOZ,
        "Höher = mehr Menschen leben von Grundsicherung für Arbeitsuchende.",
    ),
    Spec(
        "a_sMin",
        "mindestsicherungsquote",
        "Mindestsicherungsquote",
        "oekonomie",
        S,
        "Prozent der Einwohner",
        2,
        SOZ,
        "Höher = mehr Menschen leben von sozialen Mindestsicherungsleistungen.",
    ),
    Spec(
        "q_PBG_bev",
        "personen_in_bg_je_1000_ew",
        "Personen in SGB-II-Bedarfsgemeinschaften je 1.000 Einwohner",
        "oekonomie",
        S,
        "je 1.000 Einwohner",
        2,
        SOZ,
        "Höher = mehr Menschen in Bedarfsgemeinschaften.",
    ),
    Spec(
        "a_GSa",
        "grundsicherung_im_alter",
        "Grundsicherung im Alter (Quote)",
        "oekonomie",
        S,
        "Prozent der Einwohner ab 65 Jahren",
        2,
        SOZ,
        "Höher = mehr Altersarmut.",
    ),
    Spec(
        "d_SGBII_Lstg",
        "sgb2_leistung_je_bg",
        "Durchschnittliche SGB-II-Leistung je Bedarfsgemeinschaft",
        "oekonomie",
        N,
        "Euro je Monat und Bedarfsgemeinschaft",
        2,
        SOZ,
        "Ohne Wertung: hängt von Haushaltsgröße, Wohnkosten und angerechnetem Einkommen ab.",
    ),
    Spec(
        "a_ewfBG_u25_",
        "anteil_elb_unter_25",
        "Unter 25-Jährige unter den erwerbsfähigen SGB-II-Leistungsberechtigten (Anteil)",
        "oekonomie",
        N,
        "Prozent der erwerbsfähigen Leistungsberechtigten",
        2,
        SOZ,
        "Ohne Wertung: beschreibt die Zusammensetzung der Leistungsberechtigten.",
    ),
    Spec(
        "a_ewfBG_55um_",
        "anteil_elb_ab_55",
        "Über 55-Jährige unter den erwerbsfähigen SGB-II-Leistungsberechtigten (Anteil)",
        "oekonomie",
        N,
        "Prozent der erwerbsfähigen Leistungsberechtigten",
        2,
        SOZ,
        "Ohne Wertung: beschreibt die Zusammensetzung der Leistungsberechtigten.",
    ),
    Spec(
        "q_bip_ew",
        "bip_je_ew",
        "Bruttoinlandsprodukt je Einwohner",
        "oekonomie",
        B,
        "1.000 Euro je Einwohner",
        2,
        WIR,
        "Höher = größere Wirtschaftsleistung (Wohlstandsmaß, nicht das Einkommen der Einwohner).",
    ),
    # ---------------------------------------------------------------- Migration
    Spec(
        "q_asyl_bev",
        "asylbewerberleistungen_je_1000_ew",
        "Empfänger von Asylbewerberleistungen je 1.000 Einwohner",
        "migration",
        N,
        "je 1.000 Einwohner",
        2,
        SOZ,
        "Ohne Wertung: die Höhe hängt vor allem von der Zuweisung Geflüchteter ab.",
    ),
    Spec(
        "a_sch_a",
        "anteil_auslaendische_schueler",
        "Ausländische Schüler (Anteil)",
        "migration",
        N,
        "Prozent der Schüler",
        2,
        BIL,
        "Ohne Wertung: beschreibt die Zusammensetzung der Schülerschaft.",
    ),
    Spec(
        "a_bs_a",
        "anteil_auslaendische_berufsschueler",
        "Ausländische Berufsschüler (Anteil)",
        "migration",
        N,
        "Prozent der Berufsschüler",
        2,
        BIL,
        "Ohne Wertung: beschreibt die Zusammensetzung der Berufsschülerschaft.",
    ),
    Spec(
        "a_kb_aus",
        "anteil_kita_kinder_auslaendischer_herkunft",
        "Kita-Kinder ausländischer Herkunft (Anteil)",
        "migration",
        N,
        "Prozent der betreuten Kinder",
        2,
        MSV,
        "Ohne Wertung: beschreibt die Zusammensetzung der betreuten Kinder.",
    ),
    Spec(
        "q_sch_a618",
        "bildungsbeteiligung_auslaendische_jugendliche",
        "Bildungsbeteiligung ausländischer Kinder "
        "und Jugendlicher (Schüler je 100 Ausländer von 6 bis unter 18 Jahren)",
        "migration",
        B,
        "je 100 Ausländer von 6 bis unter 18 Jahren",
        2,
        BIL,
        "Höher = mehr ausländische Kinder und Jugendliche besuchen eine allgemeinbildende Schule.",
    ),
    # ---------------------------------------------------------------- Teilhabe
    # All INKAR settlement-structure indicators (Siedlungsstruktur) sit here: the Thuringian strategy counts
    # "Mobilität und erreichbare wohnortnahe Angebote" to Teilhabe (data/lebenslagen.csv), and how the
    # population is spread over the land is what decides the way to those Angebote.
    Spec(
        "q_bev_fl",
        "einwohnerdichte_inkar",
        "Einwohnerdichte (INKAR)",
        "teilhabe",
        N,
        "Einwohner je km²",
        2,
        SIE,
        "Der Lebenslage Teilhabe zugeordnet: beschreibt die Verteilung der Bevölkerung im Raum – je dünner "
        "besiedelt, desto weiter die Wege zu wohnortnahen Angeboten und desto mehr hängt Teilhabe an der "
        "Mobilität. Ohne Wertung.",
    ),
    Spec(
        "a_bevd150_",
        "anteil_ew_duenn_besiedelt",
        "Einwohner in dünn besiedelten Gemeinden (unter 150 E/km²)",
        "teilhabe",
        N,
        "Prozent der Einwohner",
        2,
        SIE,
        "Der Lebenslage Teilhabe zugeordnet: zeigt, wie viele Menschen in dünn besiedelten Gemeinden leben, "
        "wo wohnortnahe Angebote weiter entfernt liegen und Teilhabe stärker von der Mobilität abhängt. "
        "Ohne Wertung.",
    ),
    Spec(
        "a_bevOZ",
        "anteil_bev_oberzentren",
        "Bevölkerung in Oberzentren (Anteil)",
        "teilhabe",
        N,
        "Prozent der Einwohner",
        2,
        SIE,
        "Ohne Wertung: beschreibt die Nähe zu zentralen Angeboten.",
    ),
    Spec(
        "a_bevMZ",
        "anteil_bev_mittelzentren",
        "Bevölkerung in Mittelzentren (Anteil)",
        "teilhabe",
        N,
        "Prozent der Einwohner",
        2,
        SIE,
        "Ohne Wertung: beschreibt die Nähe zu zentralen Angeboten.",
    ),
    Spec(
        "a_pfl_geld",
        "anteil_pflege_angehoerige",
        "Pflegebedürftige, die nur Pflegegeld erhalten (Pflege durch Angehörige, Anteil)",
        "teilhabe",
        N,
        "Prozent der Pflegebedürftigen",
        2,
        MSV,
        "Der Lebenslage Teilhabe zugeordnet: zeigt, wie viel Pflege Angehörige zu Hause tragen (Zusammenleben der "
        "Generationen, Bedarf an Entlastungsangeboten). Ohne Wertung.",
    ),
]

# Remarks in INKAR's metadata that document a break: (pattern on one sentence, first year of the new series).
BREAK_PATTERNS = [
    (re.compile(r"Ab dem Berichtsjahr (\d{4}) wurde die Statistik umgestellt"), None),
    (re.compile(r"ab (\d{4}) nur eine eingeschränkte Vergleichbarkeit zu den Vorjahren"), None),
    (re.compile(r"Vergleichbarkeit von (\d{4}) zu den Vorjahren ist nur eingeschränkt"), None),
    (re.compile(r"ab (2011) auf die Fortschreibung auf Basis des Zensus 2011"), None),
]


# ---------------------------------------------------------------- metadata
def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _formel(algorithmus: str) -> str:
    """INKAR's formula without the `<Zeitpunkt>` placeholders; × for the multiplication sign."""
    s = _clean(str(algorithmus).replace("<Zeitpunkt>", ""))
    s = re.sub(r"\s[xX]\s", " × ", s)
    return _clean(s)


def read_meta(raw_dir: Path) -> dict[str, dict]:
    """Kürzel → metadata row; the row of the Bereich the data comes from, rubric 'Raumbeobachtung DE' first."""
    path = Path(raw_dir) / RAW_DIR / META_FILE
    df = rawio.read_csv(path)
    missing_cols = [c for c in META_COLUMNS if c not in df.columns]
    if missing_cols:
        raise RawInputError(
            path,
            f"Zeile 1 (Kopfzeile): Spalte(n) {', '.join(missing_cols)} fehlen; vorhanden "
            f"sind: {', '.join(map(str, df.columns))}.",
        )
    bereich_name = {
        MSV: "Medizinische und soziale Versorgung",
        SOZ: "Sozialleistungen",
        BIL: "Bildung",
        SIE: "Siedlungsstruktur",
        WIR: "Wirtschaft",
    }
    out = {}
    for s in SPECS:
        rows = df[df["kuerzel"] == s.kuerzel]
        if rows.empty:
            raise RawInputError(path, f"Metadaten zum INKAR-Kürzel '{s.kuerzel}' fehlen.")
        pref = rows[(rows["bereich"] == bereich_name[s.bereich]) & (rows["rubrik"] == "Raumbeobachtung DE")]
        row = (pref if not pref.empty else rows).iloc[0]
        for col in ("name", "algorithmus", "statistische_grundlagen"):
            if not str(row[col]).strip():
                raise RawInputError(path, f"Zeile {int(row.name) + 2} (Kürzel '{s.kuerzel}'): Spalte {col} ist leer.")
        out[s.kuerzel] = row.to_dict()
    return out


def stand_fn(meta: dict):
    """Reference date as far as INKAR's remark states it; otherwise INKAR's Zeitbezug (the year)."""
    anm = meta["anmerkungen"]
    if "Stichtag 31.12." in anm:
        return lambda j: f"{j}-12-31"
    if "Durchschnittswerte von März und September" in anm:
        return lambda j: f"{j} (Durchschnitt März und September)"
    return lambda j: j


def breaks_of(meta: dict) -> list[tuple[str, str]]:
    """(first year of the new series, German text from the metadata) for each documented break."""
    sentences = re.split(r"(?<=[.!?])\s+", _clean(meta["anmerkungen"]))
    found: dict[str, list[str]] = {}
    for i, sent in enumerate(sentences):
        for pat, _ in BREAK_PATTERNS:
            m = pat.search(sent)
            if m:
                text = sent
                # the Wohngeld and SGB II remarks give the reason in the sentence before / after
                if pat.pattern.startswith("ab (\\d{4}) nur") and i > 0:
                    text = sentences[i - 1] + " " + sent
                if pat.pattern.startswith("Ab dem Berichtsjahr") and i + 1 < len(sentences):
                    text = sent + " " + sentences[i + 1]
                found.setdefault(m.group(1), []).append(text)
    return [(j, " ".join(dict.fromkeys(t))) for j, t in sorted(found.items())]


# ---------------------------------------------------------------- data
def read_bereich(raw_dir: Path, bereich: str, wanted: set[str]) -> pd.DataFrame:
    """Rows of the wanted Kürzel, checked cell by cell; errors name the file and the row (line number)."""
    path = Path(raw_dir) / RAW_DIR / DATA_FILE.format(bereich)
    df = rawio.read_csv(path)
    missing_cols = [c for c in RAW_COLUMNS if c not in df.columns]
    if missing_cols:
        raise RawInputError(
            path,
            f"Zeile 1 (Kopfzeile): Spalte(n) {', '.join(missing_cols)} fehlen; vorhanden "
            f"sind: {', '.join(map(str, df.columns))}.",
        )
    df["zeile"] = df.index + 2  # header is line 1
    for col in ("raumbezug", "kennziffer", "zeitbezug", "kuerzel", "wert"):
        df[col] = df[col].str.strip()
    present = set(df["kuerzel"])
    missing = sorted(wanted - present)
    if missing:
        raise RawInputError(path, f"INKAR-Kürzel {', '.join(missing)} kommen in der Datei nicht vor.")
    df = df[df["kuerzel"].isin(wanted)]
    unknown = df[~df["raumbezug"].isin(RAUMBEZUG)]
    if not unknown.empty:
        r = unknown.iloc[0]
        raise RawInputError(path, f"Zeile {r['zeile']}: unbekannter Raumbezug '{r['raumbezug']}'.")
    for rb, (_e, _g, pattern) in RAUMBEZUG.items():
        sel = df[(df["raumbezug"] == rb) & ~df["kennziffer"].str.fullmatch(pattern)]
        if not sel.empty:
            r = sel.iloc[0]
            raise RawInputError(
                path,
                f"Zeile {r['zeile']}: Kennziffer '{r['kennziffer']}' passt nicht zum "
                f"Raumbezug '{rb}' (Thüringer Schlüssel erwartet).",
            )
    bad = df[~df["zeitbezug"].str.fullmatch(_YEAR)]
    if not bad.empty:
        r = bad.iloc[0]
        raise RawInputError(path, f"Zeile {r['zeile']}: Zeitbezug '{r['zeitbezug']}' ist kein Jahr.")
    bad = df[~df["wert"].str.fullmatch(_NUMBER)]
    if not bad.empty:
        r = bad.iloc[0]
        raise RawInputError(
            path,
            f"Zeile {r['zeile']}: Wert '{r['wert']}' ({r['kuerzel']}, {r['kennziffer']}, "
            f"{r['zeitbezug']}) ist keine Zahl.",
        )
    dup = df[df.duplicated(["raumbezug", "kennziffer", "zeitbezug", "kuerzel"], keep=False)]
    if not dup.empty:
        r = dup.iloc[-1]
        raise RawInputError(
            path, f"Zeile {r['zeile']}: {r['kuerzel']}, {r['kennziffer']}, {r['zeitbezug']} kommt doppelt vor."
        )
    return df


def build(raw_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    raw_dir = Path(raw_dir)
    meta = read_meta(raw_dir)
    by_bereich: dict[str, set[str]] = {}
    for s in SPECS:
        by_bereich.setdefault(s.bereich, set()).add(s.kuerzel)
    raw = pd.concat([read_bereich(raw_dir, b, k) for b, k in sorted(by_bereich.items())], ignore_index=True)
    raw = raw[raw["raumbezug"].map(lambda r: RAUMBEZUG[r][0] is not None)]
    spec = {s.kuerzel: s for s in SPECS}
    ebene = raw["raumbezug"].map(lambda r: RAUMBEZUG[r][0])
    key = raw["kennziffer"].where(ebene != "kreis", raw["kennziffer"].str[:5])
    obs = pd.DataFrame(
        {
            "indikator": raw["kuerzel"].map(lambda k: spec[k].id),
            "ebene": ebene,
            "schluessel": key,
            "gebietsstand": raw["raumbezug"].map(lambda r: RAUMBEZUG[r][1]),
            "jahr": raw["zeitbezug"],
            "stand": [stand_fn(meta[k])(j) for k, j in zip(raw["kuerzel"], raw["zeitbezug"])],
            "wert": raw["wert"],
            "zaehler": "",
            "nenner": "",
            "status": "ok",
            "quelle": QUELLE,
            "hinweis": "",
        },
        columns=OBS_COLUMNS,
    )
    eisenach = (obs["ebene"] == "kreis") & (obs["schluessel"] == "16063") & (obs["jahr"].astype(int) < 2022)
    obs.loc[eisenach, "hinweis"] = KREIS_HINWEIS_EISENACH

    # Indicators already in the catalogue from the older extract: only the cells that extract lacks.
    old_cells = _old_cells(raw_dir)
    for s in (s for s in SPECS if s.ergaenzt):
        mask = obs["indikator"] == s.id
        have = old_cells.get(s.id, set())
        known = pd.Series(
            [(e, k, j) in have for e, k, j in zip(obs["ebene"], obs["schluessel"], obs["jahr"])], index=obs.index
        )
        drop = mask & known
        obs = obs[~drop]

    brueche = []
    for s in SPECS:
        years = obs.loc[obs["indikator"] == s.id, "jahr"].astype(int)
        for jahr, text in breaks_of(meta[s.kuerzel]):
            if not years.empty and years.min() < int(jahr) <= years.max():
                brueche.append({"indikator": s.id, "jahr": jahr, "hinweis": text, "quelle": QUELLE})
    brueche_df = pd.DataFrame(brueche, columns=BRUECHE_COLUMNS)
    for b in brueche:
        m = (obs["indikator"] == b["indikator"]) & (obs["jahr"] == b["jahr"])
        note = f"Reihenbruch ab {b['jahr']} laut INKAR (siehe Indikatorbeschreibung)"
        obs.loc[m, "hinweis"] = [f"{h}; {note}" if h else note for h in obs.loc[m, "hinweis"]]

    gem = obs[obs["ebene"] == "gemeinde"]
    summary = {
        "beobachtungen": len(obs),
        "indikatoren": obs["indikator"].nunique(),
        "indikatoren_gemeinde": gem["indikator"].nunique(),
        "gemeinden": gem["schluessel"].nunique(),
        "kreise": obs.loc[obs["ebene"] == "kreis", "schluessel"].nunique(),
        "brueche": len(brueche_df),
    }
    if not gem.empty and gem["schluessel"].nunique() != N_GEMEINDEN:
        summary["warnungen"] = [f"INKAR 2024: {gem['schluessel'].nunique()} statt {N_GEMEINDEN} Gemeinden."]
    return obs, brueche_df, summary


def _old_cells(raw_dir: Path) -> dict[str, set]:
    """(ebene, schluessel, jahr) the older INKAR extract (sozialatlas.etl.inkar) already publishes."""
    from sozialatlas.etl import inkar

    out: dict[str, set] = {}
    for s in inkar.KREIS_SERIES:
        if any(sp.ergaenzt and sp.id == s.indikator for sp in SPECS):
            df = inkar.read_series(raw_dir, s, 5)
            df = df[df["wert"] != ""]
            out[s.indikator] = set(zip(df["ebene"], df["schluessel"], df["jahr"]))
    return out


def catalogue_rows(raw_dir: Path) -> pd.DataFrame:
    """Catalogue rows (indikatoren.csv) of the new indicators, written from INKAR's metadata.

    indikatoren.csv is maintained by hand; this function produced the rows once and the test
    `test_katalog_passt_zu_den_inkar_metadaten` keeps them in line with the metadata.
    """
    meta = read_meta(raw_dir)
    obs, _b, _s = build(raw_dir)
    rows = []
    for s in SPECS:
        if s.ergaenzt:
            continue
        m = meta[s.kuerzel]
        ebenen = [e for e in ("land", "kreis", "gemeinde") if ((obs["indikator"] == s.id) & (obs["ebene"] == e)).any()]
        definition = (
            f"INKAR: {_clean(m['name'])}. {_clean(m['anmerkungen'])} Statistische Grundlage: "
            f"{_clean(m['statistische_grundlagen'])}.{GEBIETSSTAND_SATZ} Wertung: {s.wertung}"
        )
        rows.append(
            {
                "id": s.id,
                "name": s.name,
                "lebenslage": s.lebenslage,
                "einheit": s.einheit,
                "definition": _clean(definition),
                "zaehler": "",
                "nenner": "",
                "formel": _formel(m["algorithmus"]),
                "abgeleitet": "nein",
                "polaritaet": s.polaritaet,
                "dezimalen": str(s.dezimalen),
                "ebenen": ";".join(ebenen),
                "aggregation": "keine",
                "quelle": QUELLE,
                "lizenz": LIZENZ,
            }
        )
    return pd.DataFrame(rows)


def run(raw_dir: Path, data_dir: Path, geodata_dir: Path) -> dict:
    obs, brueche, summary = build(Path(raw_dir))
    gem = obs["ebene"] == "gemeinde"
    write_observations(obs[~gem], Path(data_dir) / OUT_KREIS)
    write_observations(obs[gem], Path(data_dir) / OUT_GEMEINDE)
    write_csv(brueche, Path(data_dir) / OUT_BRUECHE, sort_by=["indikator", "jahr"])
    return summary
