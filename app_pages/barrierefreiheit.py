"""Erklärung zur Barrierefreiheit, structured as BITV 2.0 § 7 (with Anlage 2) requires: Stand der
Vereinbarkeit, nicht barrierefreie Inhalte with reasons, Erstellung der Erklärung, Feedback-Kontakt
(configured in .streamlit/secrets.toml, [barrierefreiheit]) and Schlichtungsverfahren."""

import streamlit as st

from sozialatlas.ui import a11y
from sozialatlas.ui.plain import md

ERSTELLT = "02.12.2026"

st.title("Erklärung zur Barrierefreiheit")
st.markdown(
    "Die Betreiberin dieses Sozialatlas ist bemüht, ihn im Einklang mit der Barrierefreie-Informationstechnik-"
    "Verordnung (BITV 2.0) und den entsprechenden Landesregelungen barrierefrei zugänglich zu machen. "
    "Maßstab sind die Web Content Accessibility Guidelines (WCAG) 2.1, Konformitätsstufe AA, "
    "nach der harmonisierten Norm EN 301 549."
)

st.header("Stand der Vereinbarkeit mit den Anforderungen")
st.markdown(
    "Dieser Sozialatlas ist **teilweise mit der BITV 2.0 vereinbar**. Die unten genannten Inhalte sind "
    "nicht oder nicht vollständig barrierefrei."
)
st.markdown(
    "Was der Atlas dafür tut:\n"
    "- Die Seiten sind als deutschsprachig ausgezeichnet; die Bedienelemente der Plattform sind, soweit "
    "möglich, deutsch beschriftet.\n"
    "- Alles ist mit der Tastatur bedienbar; der Fokus ist stets sichtbar markiert.\n"
    "- Texte haben mindestens ein Kontrastverhältnis von 4,5 : 1, Diagrammbeschriftungen ebenso.\n"
    "- Jede Karte hat einen zugänglichen Namen und eine Tabelle mit denselben Werten daneben; jedes "
    "Diagramm hat eine Textalternative mit seinen wichtigsten Zahlen.\n"
    "- Die Farbskalen sind für Rot-Grün- und Blau-Gelb-Sehschwäche sowie in Graustufen (Schwarz-Weiß-Beamer) "
    "unterscheidbar; „keine Daten“ und „gesperrt“ sind eigene, unterscheidbare Flächen. Dunkle Farben "
    "bedeuten immer: ungünstig.\n"
    "- Bei 200 % Vergrößerung bleibt die Seitenleiste zunächst geschlossen und lässt sich per Tastatur "
    "öffnen und schließen."
)

st.header("Nicht barrierefreie Inhalte")
st.markdown(
    "Die folgenden Einschränkungen stammen aus der verwendeten Plattform (Streamlit) und lassen sich im "
    "Atlas selbst nicht vollständig beheben:"
)
maengel = [
    f"- **{md(titel)}** (Prüfregel `{rule}`): {md(grund)}"
    for rule, (titel, grund) in sorted(a11y.VERBLEIBENDE_MAENGEL.items())
]
maengel += [
    "- **Interaktive Karten:** Die Karten selbst sind Grafiken; einzelne Gebiete lassen sich auf der Karte "
    "nicht per Tastatur auswählen. Alternative: die Tabelle neben jeder Karte und die Auswahlliste "
    "„Kreis hervorheben“ enthalten dieselben Werte und dieselbe Auswahl.",
    "- **Tabellen mit vielen Zeilen** (Daten & Quellen, Kleinräumig) werden als interaktive Tabelle auf einer "
    "Zeichenfläche dargestellt; Bildschirmleser lesen sie nur eingeschränkt. Alternative: Download als CSV "
    "oder Excel.",
    "- **Bezeichnungen der Plattform**, die erst im Browser entstehen (z. B. Meldungen bei "
    "Verbindungsabbruch), können englisch sein.",
]
st.markdown("\n".join(maengel))

st.header("Erstellung dieser Erklärung")
st.markdown(
    f"Diese Erklärung wurde am {ERSTELLT} erstellt. Grundlage ist eine Selbstbewertung: automatische "
    "Prüfung jeder Seite der Verwaltungs- und der öffentlichen Instanz mit axe-core (WCAG 2.1 A und AA, ganze "
    "Seitenhöhe, alle aufklappbaren Bereiche geöffnet), eine Bedienung nur mit der Tastatur, eine Prüfung bei "
    "200 % Vergrößerung und eine Simulation von Farbsehschwächen und Graustufen für alle Farbskalen. "
    "Die Prüfungen laufen bei jeder Änderung als automatische Tests."
)

st.header("Feedback und Kontakt")
k = a11y.kontakt()
st.markdown(
    "Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen, oder benötigen Sie Inhalte in einer "
    "barrierefreien Form? Dann wenden Sie sich bitte an:"
)
if k:
    zeilen = [md(k[f]) for f in ("name", "anschrift") if k.get(f)]
    if k.get("email"):
        zeilen.append(f"E-Mail: {md(k['email'])}")
    if k.get("telefon"):
        zeilen.append(f"Telefon: {md(k['telefon'])}")
    st.markdown("  \n".join(zeilen))
else:
    st.warning(
        "Für diese Instanz ist noch keine Kontaktstelle eingetragen. Betreiber tragen sie in "
        "`.streamlit/secrets.toml` unter `[barrierefreiheit]` ein (`name`, `email`, `telefon`, `anschrift`)."
    )

st.header("Schlichtungsverfahren")
schlichtung = k.get("schlichtungsstelle")
if schlichtung:
    st.markdown(md(schlichtung))
else:
    st.markdown(
        "Wenn auch nach Ihrem Feedback an den oben genannten Kontakt keine zufriedenstellende Lösung gefunden "
        "wurde, können Sie sich an die Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG) "
        "wenden (bei Stellen des Bundes) bzw. an die nach Landesrecht zuständige Schlichtungsstelle (bei "
        "Stellen des Landes und der Kommunen). Die Schlichtungsstelle hat die Aufgabe, bei Konflikten zum "
        "Thema Barrierefreiheit zwischen Menschen mit Behinderungen und öffentlichen Stellen eine "
        "außergerichtliche Streitbeilegung zu unterstützen. Das Schlichtungsverfahren ist kostenlos; es muss "
        "kein Rechtsbeistand eingeschaltet werden."
    )
