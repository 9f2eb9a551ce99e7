"""Outlook's contact CSV headers in German, French and Spanish, as Outlook writes them.

Outlook translates its export's header line into the language of the installation (the
Spanish one leaves about a third of it in English), and writes dates in that language's
order: day first in all three. Each table is ``header: meaning`` in the spec syntax of
``csv_columns._table`` (``target/label@group``), read by the same code as the English one;
``DETECT`` names headers only that language's export has. Several Outlook versions wrote
slightly different names (``Telefon privat`` / ``Telefon (privat)``): both are listed.
"""

from __future__ import annotations


def _places(places: dict[str, dict[str, str]]) -> str:
    """Address columns: ``{label: {header: part}}`` -> spec entries grouped by label."""
    return ";".join(f"{header}={part}/{label}@{label}" for label, parts in places.items()
                    for header, part in parts.items())


GERMAN = (
    "anrede=prefix; vorname=first_name; weitere vornamen=middle_name; nachname=last_name;"
    "suffix=suffix; spitzname=nickname; firma=company; abteilung=department;"
    "position=title; geburtstag=birthday; jahrestag=anniversary; kategorien=tags;"
    "notizen=notes; webseite=url; e-mail-adresse=email; e-mail 2: adresse=email;"
    "e-mail 3: adresse=email; telefon geschäftlich=phone/work;"
    "telefon geschäftlich 2=phone/work; telefon privat=phone/home;"
    "telefon privat 2=phone/home; telefon (privat)=phone/home;"
    "telefon (privat 2)=phone/home; mobiltelefon=phone/mobile; mobiltelefon 2=phone/mobile;"
    "haupttelefon=phone/*; telefon firma=phone/main; autotelefon=phone/car;"
    "fax geschäftlich=phone/work fax; fax privat=phone/home fax; weiteres fax=phone/fax;"
    "weiteres telefon=phone/other; pager=phone/pager; funkruf=phone/radio; isdn=phone/isdn;"
    "telefon für hörbehinderte=phone/tty; telefon assistent=phone/assistant;"
    "rückmeldung=phone/callback; webseite (privat)=url/home;"
    + _places({
        "work": {"straße geschäftlich": "street", "straße geschäftlich 2": "street2",
                 "straße geschäftlich 3": "street3", "ort geschäftlich": "city",
                 "region geschäftlich": "region", "bundesland/kanton geschäftlich": "region",
                 "postleitzahl geschäftlich": "postcode",
                 "land/region geschäftlich": "country", "postfach geschäftlich": "pobox"},
        "home": {"straße privat": "street", "straße privat 2": "street2",
                 "straße privat 3": "street3", "ort privat": "city",
                 "bundesland/kanton privat": "region", "region privat": "region",
                 "postleitzahl privat": "postcode", "land/region privat": "country",
                 "postfach privat": "pobox"},
        "other": {"weitere straße": "street", "weitere straße 2": "street2",
                  "weitere straße 3": "street3", "weiterer ort": "city",
                  "weiteres/r bundesland/kanton": "region",
                  "weitere postleitzahl": "postcode", "weiteres/e land/region": "country",
                  "weiteres postfach": "pobox"}}) + ";"
    + ";".join(f"{h}=ignore" for h in (
        "e-mail-typ", "e-mail: angezeigter name", "e-mail 2: typ",
        "e-mail 2: angezeigter name", "e-mail 3: typ", "e-mail 3: angezeigter name",
        "geschlecht", "initialen", "priorität", "privat", "vertraulichkeit", "sensibilität",
        "internet frei/gebucht", "internet-frei/gebucht", "abrechnungsinformation",
        "reisekilometer")))

FRENCH = (
    "titre=title; prénom=first_name; deuxième prénom=middle_name; nom=last_name;"
    "nom de famille=last_name; suffixe=suffix; surnom=nickname; société=company;"
    "service=department; fonction=title; anniversaire=birthday;"
    "anniversaire de mariage ou fête=anniversary; catégories=tags; notes=notes;"
    "page web=url; adresse de messagerie=email; adresse de messagerie 2=email;"
    "adresse de messagerie 3=email; téléphone (bureau)=phone/work;"
    "téléphone 2 (bureau)=phone/work; téléphone professionnel=phone/work;"
    "téléphone (domicile)=phone/home; téléphone 2 (domicile)=phone/home;"
    "téléphone personnel=phone/home; tél. mobile=phone/mobile;"
    "téléphone mobile=phone/mobile; téléphone portable=phone/mobile;"
    "téléphone principal=phone/*; téléphone société=phone/main;"
    "téléphone (voiture)=phone/car; tél. voiture=phone/car;"
    "télécopie (bureau)=phone/work fax; télécopie professionnelle=phone/work fax;"
    "télécopie (domicile)=phone/home fax; télécopie personnelle=phone/home fax;"
    "télécopie (autre)=phone/fax; téléphone (autre)=phone/other;"
    "récepteur de radiomessagerie=phone/pager; radio téléphone=phone/radio;"
    "rnis=phone/isdn; téléphone tdd/tty=phone/tty; téléphone de l'assistant(e)="
    "phone/assistant; rappel=phone/callback;"
    + _places({
        "work": {"rue (bureau)": "street", "rue (bureau) 2": "street2",
                 "rue (bureau) 3": "street3", "ville (bureau)": "city",
                 "dép/région (bureau)": "region", "département (bureau)": "region",
                 "département ou région (bureau)": "region",
                 "code postal (bureau)": "postcode", "pays/région (bureau)": "country",
                 "pays (bureau)": "country", "b.p. professionnelle": "pobox",
                 "boîte postale (bureau)": "pobox"},
        "home": {"rue (domicile)": "street", "rue (domicile) 2": "street2",
                 "rue (domicile) 3": "street3", "ville (domicile)": "city",
                 "dép/région (domicile)": "region", "département (domicile)": "region",
                 "code postal (domicile)": "postcode", "pays/région (domicile)": "country",
                 "boîte postale du domicile": "pobox", "boîte postale (domicile)": "pobox"},
        "other": {"rue (autre)": "street", "rue (autre) 2": "street2",
                  "rue (autre) 3": "street3", "ville (autre)": "city",
                  "dép/région (autre)": "region", "code postal (autre)": "postcode",
                  "pays/région (autre)": "country", "autre boîte postale": "pobox"}}) + ";"
    + ";".join(f"{h}=ignore" for h in (
        "type de messagerie", "type de messagerie 2", "type de messagerie 3",
        "nom complet de l'adresse de messagerie", "nom complet de l'adresse de messagerie 2",
        "nom complet de l'adresse de messagerie 3", "sexe", "initiales", "priorité",
        "privé", "critère de diffusion", "disponibilité internet",
        "informations facturation", "kilométrage")))

SPANISH = (
    "nombre=first_name; segundo nombre=middle_name; apellidos=last_name;"
    "organización=company; puesto=title; departamento=department; categorías=tags;"
    "notas=notes; página web=url; cumpleaños=birthday; aniversario=anniversary;"
    "dirección de correo electrónico=email; dirección de correo electrónico 2=email;"
    "dirección del correo electrónico 3=email; dirección de correo electrónico 3=email;"
    "teléfono del trabajo=phone/work; teléfono del trabajo 2=phone/work;"
    "particular=phone/home; teléfono particular=phone/home; móvil=phone/mobile;"
    "teléfono móvil=phone/mobile; teléfono principal=phone/*;"
    "número de centralita de la organización=phone/main; otro teléfono=phone/other;"
    "otro fax=phone/fax; fax del trabajo=phone/work fax; fax particular=phone/home fax;"
    "radioteléfono=phone/radio; número de teletipo=phone/tty;"
    "devolución de llamada=phone/callback; localizador=phone/pager;"
    + _places({
        "work": {"calle del trabajo": "street", "calle del trabajo 2": "street2",
                 "calle del trabajo 3": "street3", "ciudad de trabajo": "city",
                 "provincia o estado de trabajo": "region",
                 "código postal del trabajo": "postcode",
                 "país o región del trabajo": "country",
                 "apartado postal de la dirección del trabajo": "pobox"},
        "home": {"calle del domicilio": "street", "calle del domicilio 2": "street2",
                 "calle del domicilio 3": "street3", "ciudad de residencia": "city",
                 "provincia o estado de residencia": "region",
                 "código postal de residencia": "postcode",
                 "país o región del domicilio": "country",
                 "apartado postal de la dirección personal": "pobox"},
        "other": {"otra calle": "street", "otra calle 2": "street2",
                  "otra calle 3": "street3", "otra ciudad": "city",
                  "otra provincia o estado": "region", "otro código postal": "postcode",
                  "otro país o región": "country", "otro apartado postal": "pobox"}}) + ";"
    + ";".join(f"{h}=ignore" for h in (
        "tipo de correo electrónico", "tipo de correo electrónico 2",
        "tipo de correo electrónico 3", "nombre de pantalla de correo electrónico",
        "nombre de pantalla de correo electrónico 2",
        "nombre de pantalla de correo electrónico 3", "género", "iniciales", "prioridad",
        "privado", "confidencialidad", "facturación", "kilometraje")))

# Headers only that language's export has (compared casefolded).
DETECT = {
    "outlook-de": {"vorname", "nachname", "e-mail-adresse", "telefon geschäftlich",
                   "straße geschäftlich", "mobiltelefon"},
    "outlook-fr": {"prénom", "adresse de messagerie", "rue (bureau)", "téléphone (bureau)",
                   "tél. mobile", "société"},
    "outlook-es": {"apellidos", "segundo nombre", "dirección de correo electrónico 2",
                   "teléfono del trabajo", "calle del trabajo", "organización"},
}
TABLES = {"outlook-de": GERMAN, "outlook-fr": FRENCH, "outlook-es": SPANISH}
