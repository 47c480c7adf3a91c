"""Entities beyond the gazetteer (issue 9): national bodies, units, acronyms, person
filters and operation grammar. Every sentence here is written for these tests."""

from __future__ import annotations

import pytest

from opwatch.models.normalize import operations
from opwatch.models.normalize.agencies import alias_index
from opwatch.models.normalize.bodies import defined_acronyms, national_police
from opwatch.models.normalize.operations import find_operations
from tests.test_normalize import canon, ents


def ops(text: str) -> set[str]:
    return {o.canonical for o in find_operations(text)}


# --- agencies: a country's police -----------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("Slovenian police said the suspects were held overnight.", "Slovenian Police"),
        ("Polish prosecutors and police seized 40 laptops.", "Polish Police"),
        ("Ukrainian police traced the payments to a bank in Odesa.", "National Police of Ukraine"),
        ("Danish police said more raids would follow.", "Danish National Police"),
    ],
)
def test_demonym_police_names_the_national_force(text: str, agency: str) -> None:
    assert canon(ents(text), "agency") == {agency}


def test_demonym_police_folds_into_a_named_city_force() -> None:
    text = "Russian police took part. Officers of the Samara police made the arrests."
    assert "Russian Police" not in canon(ents(text), "agency")


def test_regionally_organised_police_name_no_single_body() -> None:
    assert canon(ents("British and American police shared the leads."), "agency") == set()


def test_national_police_table_points_at_gazetteer_rows() -> None:
    known = {a.canonical for ref in alias_index().values() for a in ref.agencies}
    for code, canonical in national_police().items():
        assert len(code) == 2 and (canonical == "-" or canonical in known), (code, canonical)


def test_city_police_written_as_police_in_city() -> None:
    text = "A hosting firm warned the police in Hamburg about the traffic."
    assert canon(ents(text), "agency") == {"Hamburg Police"}


# --- agencies: ministries, prosecutors, task forces, border services -------------------------
def test_interior_ministry_with_the_country_as_written() -> None:
    text = "Kenya's Ministry of Interior opened the inquiry last spring."
    assert canon(ents(text), "agency") == {"Kenya Ministry of Interior"}


def test_interior_ministry_alone_takes_the_articles_country() -> None:
    text = "Portugal led the raids. Eleven men were held in Portugal, the Interior Ministry said."
    assert canon(ents(text), "agency") == {"Ministry of the Interior of Portugal"}


def test_interior_ministry_of_a_country_after_it() -> None:
    text = "The Ministry of Internal Affairs of Moldova confirmed two arrests."
    assert canon(ents(text), "agency") == {"Ministry of Internal Affairs of Moldova"}


def test_prosecutors_office_with_its_seat_and_without() -> None:
    seat = "The inquiry into the three suspects is led by the Public Prosecutor's Office in Munich."
    assert canon(ents(seat), "agency") == {"Public Prosecutor's Office in Munich"}
    bare = "A Public Prosecutor's Office spokesman declined to comment."
    assert canon(ents(bare), "agency") == set()


def test_a_citys_prosecutor_is_its_office_unless_a_name_follows() -> None:
    office = "The deputies of the Naples District Prosecutor, working with the police, found him."
    found = ents(office, ("LOC", "Naples"))
    assert canon(found, "agency") == {"Naples District Prosecutor's Office"}
    title = "The deputies of Naples District Prosecutor Carla Neri found him after a long search."
    assert "Naples District Prosecutor's Office" not in canon(ents(title), "agency")
    post = "The evidence was passed to the Crown Prosecutor, who reviewed the files overnight."
    assert canon(ents(post), "agency") == set()


def test_city_written_before_a_police_agency_belongs_to_its_name() -> None:
    text = "A ceremony was held at the Seoul Gangnam-gu Police Agency on Friday afternoon."
    found = ents(text, ("ORG", "Gangnam-gu Police Agency"))
    assert canon(found, "agency") == {"Seoul Gangnam-gu Police Agency"}


def test_task_force_and_border_service_from_ner_organisations() -> None:
    text = (
        "The Northern Lakes Child Exploitation Task Force worked with the "
        "Border Guard Service of Latvia."
    )
    found = ents(
        text,
        ("ORG", "Northern Lakes Child Exploitation Task Force"),
        ("ORG", "Border Guard Service of"),
    )
    assert canon(found, "agency") == {
        "Northern Lakes Child Exploitation Task Force",
        "Border Guard Service of Latvia",
    }


def test_generic_name_after_a_state_is_that_states_body() -> None:
    text = "Troopers of the Ohio State Police searched the house."
    assert canon(ents(text), "agency") == {"Ohio State Police"}


def test_unit_of_an_agency_is_folded_into_its_parent() -> None:
    text = "The FBI's Violent Crimes Against Children Unit led the search."
    found = ents(text, ("ORG", "Violent Crimes Against Children Unit"))
    assert canon(found, "agency") == {"Federal Bureau of Investigation"}


def test_short_form_of_a_named_agency_is_that_agency() -> None:
    text = "The U.S. Customs Service led the case. A Customs Service spokesman confirmed it."
    found = ents(text, ("ORG", "Customs Service"))
    assert canon(found, "agency") == {"U.S. Customs Service"}


def test_acronym_defined_in_the_article_overrides_the_gazetteer() -> None:
    text = (
        "Officers of the Integrated Child Exploitation (ICE) unit in Manitoba searched "
        "six homes. ICE investigators seized phones."
    )
    assert defined_acronyms(text)["ICE"] == "Integrated Child Exploitation"
    found = ents(text, ("ORG", "ICE"))
    assert "U.S. Immigration and Customs Enforcement" not in canon(found, "agency")


def test_centre_or_center_as_the_article_spells_it() -> None:
    text = "The Philippine Internet Crimes Against Children Centre (PICACC) helped. PICACC said so."
    assert canon(ents(text), "agency") == {"Philippine Internet Crimes Against Children Centre"}


# --- persons ---------------------------------------------------------------------------------
def test_person_span_stops_at_a_paragraph_break() -> None:
    text = "3/4/21 Dana Whitfield\n\nOfficers searched a flat in the city."
    found = ents(text, ("PER", "Dana Whitfield\n\nOfficers"))
    assert canon(found, "person") == {"Dana Whitfield"}


def test_name_keeps_suffix_and_particle() -> None:
    text = "Robert Kane Jr. said so, and Minister Khalid bin Rashid Al Hamad agreed."
    found = ents(text, ("PER", "Robert Kane"), ("PER", "Rashid Al Hamad"))
    assert canon(found, "person") == {"Robert Kane Jr", "Khalid bin Rashid Al Hamad"}


def test_photo_agency_and_more_news_block_are_not_persons() -> None:
    text = (
        "Photo: Getty Images\n\nThe court heard the case on Monday.\n\n"
        "More news\nJohn Parker wins a local award\nAnna Lind opens a bakery"
    )
    found = ents(text, ("PER", "Getty Images"), ("PER", "John Parker"), ("PER", "Anna Lind"))
    assert canon(found, "person") == set()


def test_places_with_counts_are_not_persons() -> None:
    text = "Arrests by city: Tarragona (4), Huesca (2), Soria (1)."
    found = ents(text, ("PER", "Tarragona"), ("PER", "Huesca"), ("PER", "Soria"))
    assert canon(found, "person") == set()


def test_names_with_ages_in_brackets_stay_persons() -> None:
    text = "Charged were Mark Hale (34), Tom Ward (41) and Ian Reed (52), all from the town."
    found = ents(text, ("PER", "Mark Hale"), ("PER", "Tom Ward"), ("PER", "Ian Reed"))
    assert canon(found, "person") == {"Mark Hale", "Tom Ward", "Ian Reed"}


def test_email_byline_and_trailing_fragment() -> None:
    text = "Raids in the north\n\n- Maria Lopes maria.lopes@example.org\n\nPolice said."
    assert canon(ents(text), "person") == {"Maria Lopes"}
    text = "Photo by Kim Sora sorakim@\n\nThe unit said more."
    assert canon(ents(text, ("PER", "Kim Sora sorakim")), "person") == {"Kim Sora"}


def test_titles_alone_are_not_names_and_cover_two_names() -> None:
    text = "Det. Const. Anna Berg spoke, as did Deputy Prosecutors Bellini and Ferraro."
    found = ents(
        text, ("PER", "Const"), ("PER", "Anna Berg"), ("PER", "Bellini"), ("PER", "Ferraro")
    )
    assert canon(found, "person") == {"Anna Berg", "Bellini", "Ferraro"}


# --- operations ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They ran an operation called 'Sky' for a year.", {"Operation Sky"}),
        ("Officers in Project Hawkeye made ten arrests.", {"Operation Hawkeye"}),
        ("The Sandcastle operation ended in May.", {"Operation Sandcastle"}),
        ("It was, in short, the ‘Blue Lagoon’ operation.", {"Operation Blue Lagoon"}),
        ("The 31 men were held in “Operation 24/7,” officials said.", {"Operation 24/7"}),
        ("The case, dubbed “Lantern”, began in 2019.", {"Operation Lantern"}),
        ("The Dutch operation and the FBI operation ended in March.", set()),
        ("The Interpol-coordinated operation and the Dark Web operation ended.", set()),
        ("The Toronto Police's operation Nightjar found 40 men.", {"Operation Nightjar"}),
        ("Funds came from Project Safe Childhood, a national programme.", set()),
        ("Operation Results\n\nNine suspects were held.", set()),
    ],
)
def test_operation_grammar(text: str, expected: set[str]) -> None:
    assert ops(text) == expected


def test_name_in_another_language_takes_the_english_one() -> None:
    beside = "Agents launched Operación Tormenta (Operation Storm) in June."
    assert ops(beside) == {"Operation Storm"}
    headline = "Opération Carrousel ends\n\nPolice said Operation Carousel found 90 suspects."
    assert ops(headline) == {"Operation Carousel"}
    alone = "Agents launched Operación Tantalio in June."
    assert ops(alone) == {"Operation Tantalio"}


def test_stop_list_is_a_file_maintainers_extend(tmp_path, monkeypatch) -> None:
    stop = tmp_path / "not_operations.txt"
    stop.write_text("# programmes\nProject Lighthouse\nTimeline\n", encoding="utf-8")
    monkeypatch.setattr(operations, "STOP_LIST", stop)
    operations.stop_list.cache_clear()
    try:
        assert ops("Project Lighthouse funds Operation Timeline and Operation Kestrel.") == {
            "Operation Kestrel"
        }
    finally:
        operations.stop_list.cache_clear()
