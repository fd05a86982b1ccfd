"""Demo content for Masthead: a fictional newsroom in exile.

Everything here is invented for the project: the Kelmar Courier, the country
of Varnia, its towns, officials and every person quoted. Any resemblance to a
real outlet or person is accidental. This module is pure data (no Django
imports) so that it can be read by the seeding command, tests and tooling.

Body blocks are ``(block_type, value)`` tuples: ``"paragraph"`` and
``"heading"`` carry plain text, ``"quote"`` carries ``{"text", "attribution"}``.
"""

PUBLICATION = {
    "name": "The Kelmar Courier",
    "tagline": "Independent journalism from Varnia, published in exile.",
    "about": (
        "The Kelmar Courier is an independent newsroom founded in Varnia's capital and, since it was "
        "outlawed, published from exile in Aldenburg. We report on Varnia for the people who still live "
        "there and for those who had to leave. We take no money from governments or parties: our readers "
        "pay for our work, and we answer only to them."
    ),
    "appeal_heading": "A message from the Kelmar Courier",
    "appeal_text": [
        "Two years ago the Varnian authorities declared the Courier an 'undesirable organisation'. Our site "
        "is blocked, our office in Kelmar is sealed, and anyone who donates to us from inside the country "
        "risks a fine or worse. Some of our reporters still work there under false names. Every story we "
        "publish is checked, edited and defended by a small team that cannot go home.",
        "We have no advertisers and no owner. What keeps us going is readers: several thousand people who "
        "give a little every month so that the news from Varnia is not written only by the state. If you "
        "value what you read here, you can support us from just $2. It takes a minute, and it keeps the "
        "lights on in a newsroom that the government would rather see dark.",
    ],
    "newsletter_pitch": (
        "Sign up for our free weekly newsletter: a hand-picked selection of news, features and analysis "
        "from Varnia, delivered every Friday."
    ),
}

SECTIONS = [
    {
        "slug": "politics",
        "title": "Politics",
        "intro": "Power in Varnia: the presidency, the Assembly, the courts and the people who still dare to oppose them.",
    },
    {
        "slug": "society",
        "title": "Society",
        "intro": "How ordinary Varnians live, study, work and leave under a government that no longer asks for their consent.",
    },
    {
        "slug": "economy",
        "title": "Economy",
        "intro": "Prices, wages, sanctions and the money behind the state, explained without the official spin.",
    },
    {
        "slug": "investigations",
        "title": "Investigations",
        "intro": "Long-form reporting built on documents, data and sources who took risks to tell the truth.",
    },
    {
        "slug": "culture",
        "title": "Culture",
        "intro": "Books, music, theatre and film made in Varnia and in exile, including the work the censors tried to bury.",
    },
    {
        "slug": "environment",
        "title": "Environment",
        "intro": "Rivers, forests, energy and climate in a country where environmental data has become a state secret.",
    },
]

AUTHORS = [
    {
        "slug": "mira-talvik",
        "name": "Mira Talvik",
        "role": "Editor-in-chief",
        "bio": "Mira Talvik co-founded the Courier in Kelmar and has led the newsroom since it moved to Aldenburg. "
        "Before that she spent a decade covering the Assembly and the courts.",
        "is_pseudonym": False,
    },
    {
        "slug": "oskar-brenn",
        "name": "Oskar Brenn",
        "role": "Political correspondent",
        "bio": "Oskar Brenn covers the presidency, elections and the opposition. He left Varnia after being "
        "questioned three times by the State Protection Bureau about his sources.",
        "is_pseudonym": False,
    },
    {
        "slug": "lena-vasko",
        "name": "Lena Vasko",
        "role": "Economics editor",
        "bio": "Lena Vasko trained as an economist at the Kelmar Institute of Finance and writes about budgets, "
        "prices, sanctions and the companies close to power.",
        "is_pseudonym": False,
    },
    {
        "slug": "teodor-marenko",
        "name": "Teodor Marenko",
        "role": "Investigations editor",
        "bio": "Teodor Marenko leads the Courier's investigations desk. His work on public procurement has been "
        "cited in court cases in three countries.",
        "is_pseudonym": False,
    },
    {
        "slug": "nadia-rell",
        "name": "Nadia Rell",
        "role": "Society reporter",
        "bio": "Nadia Rell writes about schools, hospitals, families of political prisoners and the Varnian "
        "diaspora. She joined the Courier from a regional paper in Veyport.",
        "is_pseudonym": False,
    },
    {
        "slug": "anna-sedlin",
        "name": "Anna Sedlin",
        "role": "Culture editor",
        "bio": "Anna Sedlin writes about literature, music and theatre in Varnia and in exile. She is the author "
        "of two books of essays, both now banned in Varnian libraries.",
        "is_pseudonym": False,
    },
    {
        "slug": "ivo-kastel",
        "name": "Ivo Kastel",
        "role": "Environment reporter",
        "bio": "Ivo Kastel covers energy, water and climate. He grew up on the banks of the Orla and has reported "
        "on its pollution for more than ten years.",
        "is_pseudonym": False,
    },
    {
        "slug": "vera-north",
        "name": "Vera North",
        "role": "Correspondent in Kelmar",
        "bio": "Vera North is the pen name of a reporter who still lives and works in Varnia. The editors know her "
        "identity; we do not publish it, and we never will.",
        "is_pseudonym": True,
    },
]

ARTICLES = [
    # ------------------------------------------------------------------ politics
    {
        "slug": "assembly-extends-emergency-powers",
        "section": "politics",
        "headline": "Assembly extends emergency powers for a third year and postpones local elections again",
        "standfirst": "The vote, passed without debate in eleven minutes, lets the president rule by decree until next spring and pushes municipal elections back indefinitely.",
        "authors": ["oskar-brenn"],
        "tags": ["elections", "courts"],
        "hours_ago": 3,
        "updated_hours_ago": 1,
        "image": {
            "alt": "Silhouettes of apartment blocks and office towers against a grey evening sky, with a few windows lit.",
            "caption": "Central Kelmar, where the Assembly voted to extend the state of emergency for a third year.",
            "photographer": "Name withheld",
            "organisation": "The Kelmar Courier",
            "scene": "city",
            "seed": 101,
        },
        "body": [
            (
                "paragraph",
                "Varnia's Assembly voted on Tuesday to extend the state of emergency for a third consecutive year, giving President Stefan Harl the power to issue decrees with the force of law, to ban public gatherings and to postpone elections at every level below the presidency. The motion passed by 212 votes to none, with eleven deputies absent. The session, broadcast on state television with a ten-minute delay, lasted eleven minutes. No amendments were tabled and no deputy asked to speak.",
            ),
            (
                "paragraph",
                "The emergency was first declared after protests in Kelmar and four other cities, when tens of thousands of people gathered to contest the official result of the presidential election. The government described it at the time as a temporary measure to restore order. Since then it has been used to close independent media, dissolve two opposition parties and move cases involving 'public order' from ordinary courts to military tribunals, whose hearings are closed to the public.",
            ),
            ("heading", "Local elections postponed again"),
            (
                "paragraph",
                "The most immediate consequence is for municipal councils. Local elections, originally due two years ago, have now been postponed for the third time. In more than forty towns, councils elected before the emergency have lost members to resignation, emigration or arrest, and the presidential administration has filled the gaps with appointed 'temporary administrators'. Our count, based on regional gazettes, puts the number of such appointees at 186, most of them former police or army officers.",
            ),
            (
                "quote",
                {
                    "text": "An emergency that lasts three years is not an emergency. It is a system of government that no longer needs to pretend it will end.",
                    "attribution": "Irena Dovic, former judge of the Constitutional Court",
                },
            ),
            (
                "paragraph",
                "The presidential administration did not respond to written questions from the Courier. In a short statement read on the evening news, a spokesman said the extension was necessary 'as long as foreign-funded structures continue to threaten the stability of the republic', a phrase officials now use to describe exiled journalists, human rights groups and opposition politicians alike. The constitution limits an emergency to six months without a referendum; the Constitutional Court, whose members were replaced last year, has ruled that the limit does not apply 'in conditions of external pressure'.",
            ),
            (
                "paragraph",
                "Update: Marta Leski, one of the eleven absent deputies and the last member of the Assembly elected without the backing of the ruling National Renewal party, told the Courier after this article was published that she had been informed the vote would take place on Wednesday. 'I arrived at the building to find the session already over and the chamber being cleaned,' she said. Ms Leski said she would have voted against the extension and has asked the Speaker for a written explanation of the change in schedule.",
            ),
        ],
        "related": ["governors-replaced-before-vote", "dorne-councillors-resign"],
    },
    {
        "slug": "governors-replaced-before-vote",
        "section": "politics",
        "headline": "Four governors out, four tax policemen in: the quiet reshuffle before the presidential vote",
        "standfirst": "The new regional heads have one thing in common: all of them ran the tax police in the regions they now govern.",
        "authors": ["vera-north"],
        "tags": ["elections", "corruption"],
        "hours_ago": 60,
        "updated_hours_ago": None,
        "image": {
            "alt": "Snow-covered hills and dark fir trees under a pale winter sky.",
            "caption": "The Lune Highlands, one of four regions whose governor was replaced this month.",
            "photographer": "Jonas Reyk",
            "organisation": "Northgate Pictures",
            "scene": "winter",
            "seed": 102,
        },
        "body": [
            (
                "paragraph",
                "In the space of a week, President Harl has dismissed the governors of four of Varnia's eleven regions, including Veyport and the Lune Highlands, and replaced them with men who spent most of their careers in the tax police. None of the departures was explained. Two of the outgoing governors were photographed at a hunting lodge with the president only last autumn, and one of them had been reappointed in January with a decree praising his 'exemplary loyalty'.",
            ),
            (
                "paragraph",
                "People who work in the regional administrations describe the reshuffle as preparation for next year's presidential election, in which Harl is expected to seek a fifth term. 'The old governors knew how to deliver votes,' said an official in the Veyport regional office, who asked not to be named because staff have been told not to speak to the press. 'The new ones know how to deliver money. And they know exactly who owes what.'",
            ),
            ("heading", "Files on everyone"),
            (
                "paragraph",
                "The tax police, formally part of the Finance Ministry, has become one of the most feared institutions in Varnia. Business owners in three regions told the Courier that inspectors arrive with files already prepared, listing donations, relatives abroad and, in one case, a teenage son's comments on social media. The inspections rarely end in prosecution. More often they end in a 'voluntary contribution' to a regional development fund whose accounts are not published.",
            ),
            (
                "quote",
                {
                    "text": "Nobody in my town will sign a nomination paper for an opposition candidate now. Everyone has a tax file, and everyone knows the man who reads it is now the governor.",
                    "attribution": "A shop owner in the Lune Highlands",
                },
            ),
            (
                "paragraph",
                "One of the new governors, a former deputy head of the tax police in the capital, opened his first meeting with local mayors by reading out turnout figures from the last presidential election, district by district, according to two people who attended. Districts where turnout had fallen below seventy per cent, he told them, would be 'studied carefully'. Nobody asked what that meant, one of the mayors said, because nobody needed to.",
            ),
            (
                "paragraph",
                "The presidential administration announced the appointments in a one-line decree. The outgoing governors have not commented publicly. One of them, according to a relative, crossed into neighbouring Kestria the day after his dismissal and has not been seen in his region since. Two days later, neighbours said, officers of the State Protection Bureau searched his official residence in the regional capital and carried boxes of documents out to a waiting van.",
            ),
        ],
        "related": [],
    },
    {
        "slug": "opposition-candidate-barred",
        "section": "politics",
        "headline": "Electoral commission bars Pavel Sorin, the last opposition candidate still in the country",
        "standfirst": "Officials rejected 61,000 signatures as invalid, citing handwriting that was 'too similar', hours after hundreds queued outside the commission in the rain.",
        "authors": ["oskar-brenn"],
        "tags": ["elections", "courts", "protest"],
        "hours_ago": 210,
        "updated_hours_ago": None,
        "image": {
            "alt": "A crowd of people seen from behind, standing in front of office buildings with lit windows in the evening.",
            "caption": "Supporters of Pavel Sorin waiting outside the Central Electoral Commission in Kelmar.",
            "photographer": "Name withheld",
            "organisation": "The Kelmar Courier",
            "scene": "crowd",
            "seed": 103,
        },
        "body": [
            (
                "paragraph",
                "The Central Electoral Commission on Friday refused to register Pavel Sorin, a former mayor of Dorne and the only declared opposition candidate who has not been imprisoned or forced abroad, for next year's presidential election. Of the 104,000 signatures his campaign submitted, the commission accepted 43,000, well short of the 100,000 required by law. The rest were rejected as 'invalid or duplicated', with no further explanation given to the candidate's lawyers.",
            ),
            (
                "paragraph",
                "Members of the commission told a press conference that handwriting experts had found many signatures 'too similar to each other' to be genuine. Sorin's campaign says the experts spent less than four days examining more than a hundred thousand forms. It has published a list of 2,300 people who say their signature was wrongly rejected, together with copies of their identity documents and short video statements recorded at their kitchen tables.",
            ),
            (
                "quote",
                {
                    "text": "They did not check the signatures. They counted how many they needed to remove, and then they removed them.",
                    "attribution": "Pavel Sorin, speaking to supporters outside the commission",
                },
            ),
            (
                "paragraph",
                "Several hundred people had gathered outside the commission building in central Kelmar on Friday morning, many holding photocopies of their own signature sheets. The crowd was quiet: under emergency rules, a chant or a placard can lead to arrest for taking part in an unauthorised demonstration. Police filmed the queue from a parked bus and checked documents at the nearest metro station. Our correspondent counted at least fourteen detentions after the decision was announced.",
            ),
            ("heading", "An appeal few expect to succeed"),
            (
                "paragraph",
                "Sorin has five days to appeal to the Supreme Court, which has not overturned a decision of the electoral commission in fourteen years. His lawyers said they would file the appeal anyway, 'so that the record exists'. If it fails, the ballot is likely to include Harl and three candidates from parties that voted for the emergency laws, two of whom have said publicly that they intend to vote for the president themselves.",
            ),
            (
                "paragraph",
                "In an interview recorded for the Courier before the decision, Sorin said he would not leave Varnia whatever the outcome. 'A candidate who campaigns from abroad is exactly what they want,' he said. 'It proves their point that the opposition lives somewhere else, on foreign money, and has nothing to do with the people who stand in this queue.'",
            ),
        ],
        "related": ["governors-replaced-before-vote", "dorne-councillors-resign"],
    },
    {
        "slug": "foreign-agent-law-property-seizures",
        "section": "politics",
        "headline": "New law lets courts seize the property of exiled 'foreign agents' in their absence",
        "standfirst": "The amendments, which take effect next month, also allow trials without the defendant present and bar notaries from certifying documents for anyone on the register.",
        "authors": ["oskar-brenn", "mira-talvik"],
        "tags": ["exile", "courts", "censorship"],
        "hours_ago": 420,
        "updated_hours_ago": 400,
        "image": {
            "alt": "Low houses on the edge of a town at night, a few windows lit, under a moon in a dark blue sky.",
            "caption": "Many people on the register left relatives behind in homes that could now be seized.",
            "photographer": "Karin Esk",
            "organisation": "Kestria Press Agency",
            "scene": "night",
            "seed": 104,
        },
        "body": [
            (
                "paragraph",
                "Varnians living abroad who have been placed on the government's register of 'foreign agents' can now be tried in their absence and have their property in Varnia confiscated, under amendments signed into law by President Harl on Monday. The register, kept by the Justice Ministry, currently lists 1,740 people, including journalists, academics, human rights lawyers, musicians and at least nine members of the Courier's own staff.",
            ),
            (
                "paragraph",
                "Until now, the label mainly meant paperwork: people on the register had to file quarterly financial reports and mark everything they published with a forty-word disclaimer. Most exiles simply ignored the requirements. Under the new rules, two missed reports are enough for prosecutors to open a criminal case, and a court can order the seizure of flats, cars, land and bank deposits before any verdict is reached, 'to secure possible damages'.",
            ),
            (
                "quote",
                {
                    "text": "My mother lives in the flat I bought twelve years ago. The question now is not whether they will take it, but whether they will evict her first.",
                    "attribution": "Luka Ferenc, a historian on the register who lives in Aldenburg",
                },
            ),
            ("heading", "Families left behind"),
            (
                "paragraph",
                "Lawyers who advise exiles say the law's real targets are the relatives who stayed. Property is often registered in the name of the person who left, while parents or siblings still live in it. A clause added at the second reading bars notaries from certifying powers of attorney for anyone on the register, which makes it almost impossible to transfer a home to a family member from abroad. Several notaries in Kelmar told clients this week that they had already stopped accepting such requests.",
            ),
            (
                "paragraph",
                "The Justice Ministry said the changes would 'close loopholes used by those who finance hostile activity from abroad'. It did not answer the Courier's question about how many cases it expected to bring. The Courier itself has been an 'undesirable organisation' for two years, a status that already makes any cooperation with us, including a donation, a criminal offence for people inside the country.",
            ),
            (
                "paragraph",
                "Update: after this article was published, the Justice Ministry added 38 names to the register, including two Courier reporters and the theatre director Simon Arvay, whose company now works from Aldenburg. Arvay said he had learned of his inclusion from a neighbour in Kelmar, who saw his name read out on the evening news.",
            ),
        ],
        "related": ["assembly-extends-emergency-powers", "theatre-of-departures"],
    },
    {
        "slug": "dorne-councillors-resign",
        "section": "politics",
        "headline": "In Dorne, a town council resigns rather than sign a loyalty pledge",
        "standfirst": "Nine of the eleven councillors in the steel town chose to step down instead of signing a statement supporting the emergency laws.",
        "authors": ["vera-north"],
        "tags": ["protest", "elections"],
        "hours_ago": 900,
        "updated_hours_ago": None,
        "image": {
            "alt": "A wide, calm river in the evening light, with trees along the far bank and reeds in the foreground.",
            "caption": "The Orla at Dorne, a town of 40,000 people where nine of eleven councillors resigned.",
            "photographer": "Elin Marsh",
            "organisation": "The Kelmar Courier",
            "scene": "river",
            "seed": 105,
        },
        "body": [
            (
                "paragraph",
                "The letter arrived at Dorne town hall on a Monday, addressed to each of the eleven councillors by name. It contained a single page: a statement of support for the 'measures taken by the President of the Republic to protect the constitutional order', a space for a signature and a request to return it within ten days. Similar letters were sent to councils across the country. By the end of the month, nine of Dorne's councillors had resigned.",
            ),
            (
                "paragraph",
                "Dorne, a town of 40,000 people on the Orla, has long been an awkward place for the government. Its steelworks once employed a quarter of the population, and its union was the last in Varnia to hold a legal strike. Its former mayor, Pavel Sorin, is now trying to run for president. Councillors from across the political spectrum, including two elected on the National Renewal list, refused to sign.",
            ),
            (
                "quote",
                {
                    "text": "I have nothing against the president personally. I did not stand for election to sign papers I was not allowed to read in advance, and I am not going to start now.",
                    "attribution": "Rada Holm, who served on Dorne town council for fourteen years",
                },
            ),
            (
                "paragraph",
                "The resignations left the town without a quorum, which under emergency rules allows the regional governor to appoint a temporary administrator. The man chosen, a retired colonel from the capital, arrived with a driver and two assistants and moved into the mayor's office the same week. His first decision was to cancel the town's annual river festival, citing security concerns that he did not describe.",
            ),
            ("heading", "A quiet kind of protest"),
            (
                "paragraph",
                "Residents described the mood as subdued rather than defiant. Nobody gathered outside the town hall; the resignations were sent by post. Several former councillors said officers of the State Protection Bureau visited them at home to ask whether anybody had 'advised' them to resign. None has been charged. One was dismissed two weeks later from her job as a school headteacher, for what the regional education office called 'organisational reasons'.",
            ),
            (
                "paragraph",
                "In a town where almost everyone knows someone who has left for abroad, the councillors' decision has become a small point of pride. A handwritten list of their names was pinned to the noticeboard outside the steelworks gate. It was taken down within a day, and put back within two.",
            ),
        ],
        "related": [],
    },
    # ------------------------------------------------------------------ society
    {
        "slug": "conscription-notices-at-exams",
        "section": "society",
        "headline": "Conscription notices handed to students as they leave their exams",
        "standfirst": "At two Kelmar universities, recruitment officers waited outside examination halls with lists of names, despite a law that defers service for full-time students.",
        "authors": ["vera-north"],
        "tags": ["conscription", "schools"],
        "hours_ago": 20,
        "updated_hours_ago": None,
        "image": {
            "alt": "Apartment and university buildings in silhouette against an overcast sky, with scattered lit windows.",
            "caption": "The Kelmar Polytechnic district, where students were handed notices to report for military service.",
            "photographer": "Name withheld",
            "organisation": "The Kelmar Courier",
            "scene": "city",
            "seed": 106,
        },
        "body": [
            (
                "paragraph",
                "Students at the Kelmar Polytechnic and the Kelmar Institute of Finance were handed conscription notices this week as they left their end-of-term examinations, in what appears to be the first organised campaign to recruit full-time students since the start of the emergency. Officers from the district recruitment office stood at the doors of examination halls with printed lists and asked departing students for their identity cards. Those whose names matched were told to report within five days.",
            ),
            (
                "paragraph",
                "Varnian law defers military service for students enrolled full-time in accredited degree programmes. Recruitment offices now argue that the deferral lapses when a student's registration for the next term has not yet been confirmed, which at most universities happens only in late summer. Lawyers say the interpretation is new and has never been tested in court. Several students told the Courier that the lists appeared to be compiled from university records, which are not supposed to be shared.",
            ),
            (
                "quote",
                {
                    "text": "I came out of a statistics exam and a man in uniform read my name from a sheet. He knew my faculty and my year. He even knew I had retaken a course.",
                    "attribution": "A second-year student at the Kelmar Polytechnic",
                },
            ),
            ("heading", "Universities stay silent"),
            (
                "paragraph",
                "Neither university has commented publicly. An internal email from the Polytechnic's registrar, seen by the Courier, instructs faculty secretaries to 'cooperate fully with state bodies in matters of defence' and not to discuss the matter with students or parents. Two lecturers said they had been told to report any student who asked to move an examination date, on the grounds that it might be an attempt to avoid service.",
            ),
            (
                "paragraph",
                "The campaign comes as the defence ministry struggles to fill its spring draft. Recruitment offices have been set quotas by region, according to a document leaked to an exiled human rights group last month, and the capital has fallen short for two consecutive rounds. Young men in Kelmar now routinely avoid metro stations where document checks are common, and some have stopped going to lectures altogether.",
            ),
            (
                "paragraph",
                "A free legal helpline run by volunteers abroad said it had received more than 400 calls from students in three days, compared with about forty in an ordinary week. Its advice is simple: do not sign anything on the spot, carry a copy of your enrolment certificate, and do not travel towards the border without speaking to a lawyer first.",
            ),
        ],
        "related": ["price-of-crossing-northern-border"],
    },
    {
        "slug": "history-textbook-without-protests",
        "section": "society",
        "headline": "The new history textbook, in which the protests never happened",
        "standfirst": "A compulsory textbook for final-year pupils covers thirty years in nineteen pages, calls the opposition a 'foreign project' and leaves out the largest demonstrations in the country's history.",
        "authors": ["nadia-rell"],
        "tags": ["schools", "censorship"],
        "hours_ago": 300,
        "updated_hours_ago": None,
        "image": {
            "alt": "A wide green field under an overcast sky, with a single tree and a line of distant trees on the horizon.",
            "caption": "Farmland near Veyport. Rural schools will receive the new textbook first.",
            "photographer": "Tomas Vell",
            "organisation": "Northgate Pictures",
            "scene": "field",
            "seed": 107,
        },
        "body": [
            (
                "paragraph",
                "From September, every final-year pupil in Varnia will study recent history from a single book. 'Our Republic: A History for Senior Schools', published by the state educational press and approved by the Education Ministry in record time, replaces the four textbooks that schools were previously allowed to choose from. The Courier has obtained a copy of the teacher's edition, which includes model answers to classroom questions and a list of 'common misconceptions' that teachers are asked to correct.",
            ),
            (
                "paragraph",
                "The book devotes nineteen pages to the three decades since independence. The protests after the disputed presidential election, in which hundreds of thousands of people took part, are not mentioned. The emergency that followed is described as 'a period of stabilisation, welcomed by the majority of citizens'. The opposition appears once, in a paragraph about 'foreign projects aimed at weakening the state', illustrated with a photograph of an empty square.",
            ),
            (
                "quote",
                {
                    "text": "Some of my pupils were at those protests with their parents. Now I am supposed to tell them it was a misconception.",
                    "attribution": "A history teacher in Veyport",
                },
            ),
            ("heading", "Homework as a loyalty test"),
            (
                "paragraph",
                "The teacher's edition introduces a new kind of assignment: pupils are asked to interview a grandparent about 'the hardships of the nineties' and to compare them with 'the achievements of today'. Teachers must send a selection of the best essays to the regional education office. Several teachers said they feared the essays would be read for what they revealed about families rather than about history.",
            ),
            (
                "paragraph",
                "The book's principal author, a former adviser to the presidential administration, has no background in historical research, according to his own published biography. Three historians who were named as reviewers in an early draft told the Courier they had never seen the text. Two of them asked for their names to be removed; the published version no longer lists any reviewers at all.",
            ),
            (
                "paragraph",
                "Teachers have few options. Departing from the approved textbook can be treated as a disciplinary offence under a regulation adopted last year, and lessons are now regularly observed by inspectors. Some teachers say they will teach the book as written and hope their pupils read between the lines. Others are quietly passing old textbooks, and the names of history podcasts produced abroad, to pupils they trust.",
            ),
        ],
        "related": ["samizdat-poetry-presses", "diaspora-saturday-schools"],
    },
    {
        "slug": "parcels-for-political-prisoners",
        "section": "society",
        "headline": "The women who pack parcels for Varnia's political prisoners",
        "standfirst": "A network of mothers, wives and sisters has learned the prison rules better than the guards, and every week sends food, letters and warm socks to people the state would rather forget.",
        "authors": ["nadia-rell"],
        "tags": ["prisons", "courts"],
        "hours_ago": 520,
        "updated_hours_ago": None,
        "image": {
            "alt": "Snowy open ground with fir trees under a low, pale sky, snow falling.",
            "caption": "Most political prisoners are held in penal colonies hundreds of kilometres from their families.",
            "photographer": "Jonas Reyk",
            "organisation": "Northgate Pictures",
            "scene": "winter",
            "seed": 108,
        },
        "body": [
            (
                "paragraph",
                "On Thursday evenings, a kitchen in a Kelmar suburb becomes a sorting office. Tins of fish, bags of buckwheat, tea, garlic and envelopes of stamps are laid out on the table and divided into parcels of exactly twenty kilograms, the most a prisoner may receive in a quarter. The women who do the packing call themselves, half jokingly, the parcel committee. Between them they have five relatives in prison, and they pack for about sixty other inmates whose families cannot.",
            ),
            (
                "paragraph",
                "Human rights monitors count 1,130 people imprisoned in Varnia on charges they consider politically motivated, from 'participation in mass disorder' to 'financing extremism' for small donations to independent media. Most are held in penal colonies far from home. Parcels, letters and the rare visit are their only contact with the outside world, and each colony has its own rules about what may be sent.",
            ),
            (
                "quote",
                {
                    "text": "Colony number four accepts only loose tea. Number seven takes tea bags but not loose tea. Nobody writes this down anywhere. We learn it when parcels come back.",
                    "attribution": "Hana, one of the organisers, whose son is serving six years",
                },
            ),
            ("heading", "Rules that change without notice"),
            (
                "paragraph",
                "The committee keeps a handwritten notebook with the rules of each colony, corrected after every returned parcel. Letters are a separate problem. Prison censors can hold them for weeks, and anything that mentions the news, politics or the prisoner's case is cut out. Families have developed their own vocabulary: a 'rainy week' means arrests in the city; a 'visit from the doctor' means a new lawyer has taken the case.",
            ),
            (
                "paragraph",
                "The work is not without risk. Last spring, two women who ran a similar network in Veyport were questioned for nine hours about where the money for the parcels came from. Most of it comes from small donations by friends and neighbours. The Kelmar committee keeps no record of who gives, and pays for everything in cash.",
            ),
            (
                "paragraph",
                "Asked why they carry on, the women give practical answers. A parcel means a prisoner can trade tea for a blanket, or cigarettes for a bunk nearer the stove. It also tells the guards that someone outside is paying attention. 'When a man gets nothing for months,' Hana said, 'they understand that nobody will ask questions if something happens to him.'",
            ),
        ],
        "related": ["penal-colony-seven-deaths"],
    },
    {
        "slug": "diaspora-saturday-schools",
        "section": "society",
        "headline": "In Aldenburg's Saturday schools, children of exile learn the language their parents left behind",
        "standfirst": "Dozens of volunteer-run classes have opened across the diaspora, teaching Varnian language, literature and history to children who may never live in the country.",
        "authors": ["nadia-rell"],
        "tags": ["diaspora", "schools", "exile"],
        "hours_ago": 1100,
        "updated_hours_ago": None,
        "image": {
            "alt": "A calm sea at sunset with a low headland on the horizon and light reflected on the water.",
            "caption": "The harbour at Aldenburg, home to the largest Varnian community abroad.",
            "photographer": "Karin Esk",
            "organisation": "Kestria Press Agency",
            "scene": "sea",
            "seed": 109,
        },
        "body": [
            (
                "paragraph",
                "Every Saturday morning, a community hall near Aldenburg's harbour fills with children, backpacks and the smell of coffee from the parents' corner. For three hours, about ninety pupils aged five to fifteen study Varnian language and literature, sing folk songs and, in the older classes, read the history that has disappeared from textbooks at home. The school was founded eighteen months ago by four mothers. It now has a waiting list.",
            ),
            (
                "paragraph",
                "Similar schools have opened wherever Varnian exiles have settled in numbers. Volunteers estimate that there are now more than sixty, in at least a dozen countries, almost all of them set up since the emergency began. They rent rooms in churches, libraries and sports clubs and charge a few euros a month, waived for families who cannot pay. Many of the teachers taught in Varnia until they were dismissed for refusing to sign statements or to teach the new curriculum.",
            ),
            (
                "quote",
                {
                    "text": "My daughter was three when we left. She dreams in Kestrian now. I want her to be able to read her grandmother's letters without a translator.",
                    "attribution": "Dana, a parent at the Aldenburg school",
                },
            ),
            (
                "paragraph",
                "The curriculum is improvised. There is no textbook the schools agree on, so teachers write their own worksheets and share them in a messaging group with more than 300 members. The literature class reads authors now banned at home. The history lessons, the head teacher said, try not to replace one official story with another. 'We teach them to ask who wrote a source, and why,' she said. 'That is the most subversive thing we can do.'",
            ),
            ("heading", "Fear of the register"),
            (
                "paragraph",
                "For some families, even sending a child to a Saturday school is a calculation. Parents who plan to visit relatives in Varnia, or who still own property there, worry that attendance lists could end up in the wrong hands. The Aldenburg school keeps no digital record of pupils' surnames, and the photographs on its social media pages show children only from behind.",
            ),
            (
                "paragraph",
                "The children themselves are less worried. At the end of the morning, the youngest class performs a song about a river most of them have never seen. Nearly all of them sing the words perfectly. A few sing them in Kestrian. 'They do not have to choose yet,' the head teacher said, as parents collected coats from the pegs by the door. 'Our job is to make sure that one day they can.'",
            ),
        ],
        "related": [],
    },
    {
        "slug": "rural-hospitals-lose-doctors",
        "section": "society",
        "headline": "One doctor for 12,000 people: how emigration is emptying rural hospitals",
        "standfirst": "In the Lune Highlands, district hospitals have closed wards and cancelled operations as doctors and nurses leave for jobs abroad, often with no one to replace them.",
        "authors": ["nadia-rell"],
        "tags": ["labour", "exile"],
        "hours_ago": 1500,
        "updated_hours_ago": None,
        "image": {
            "alt": "Layers of grey mountain ridges fading into haze, the sun half hidden behind the highest peaks.",
            "caption": "The road from Harsk to the regional hospital crosses two mountain passes.",
            "photographer": "Tomas Vell",
            "organisation": "Northgate Pictures",
            "scene": "mountains",
            "seed": 110,
        },
        "body": [
            (
                "paragraph",
                "The district hospital in Harsk, a small town in the Lune Highlands, had eleven doctors four years ago. Today it has three, and one of them is seventy-one. The surgical ward closed last spring. Women in labour are now driven two hours over a mountain road to the regional centre, and the hospital's only ambulance spends so much time on that road that people in outlying villages have learned to call a neighbour with a car instead.",
            ),
            (
                "paragraph",
                "Harsk is not unusual. Figures from the Health Ministry, published before it stopped releasing staffing data last year, showed that Varnia lost nearly a fifth of its hospital doctors in three years. Most went to neighbouring countries, where a junior doctor earns four to six times the Varnian salary. Nurses have left in even greater numbers. The losses have been heaviest in rural regions, where hospitals were short of staff before the emergency began.",
            ),
            (
                "quote",
                {
                    "text": "I did not leave for the money. I left because I was told to sign a letter supporting the emergency laws, and I knew that if I refused, the hospital would be punished, not me.",
                    "attribution": "A surgeon who worked in Harsk for fifteen years and now works in Kestria",
                },
            ),
            (
                "paragraph",
                "The government's response has been to make leaving harder. Since January, medical graduates trained at public expense must work in Varnia for five years or repay their tuition, and doctors of conscription age need permission to travel abroad. Hospital managers say the rules have made recruitment harder, not easier: young doctors now avoid state-funded places altogether, and experienced staff leave before the next restriction arrives.",
            ),
            ("heading", "Held together by pensioners"),
            (
                "paragraph",
                "In the Highlands, what remains of the health system is held together by retired doctors who came back to work, nurses on double shifts and patients willing to travel. A pharmacist in Harsk described regular customers who make the trip to the regional centre every three months for prescriptions the local hospital can no longer issue. Some, she said, have simply stopped their treatment.",
            ),
            (
                "paragraph",
                "The regional health department did not answer the Courier's questions. In a televised interview last month, the governor of the Lune Highlands called the shortage 'temporary' and blamed 'foreign recruitment agencies' for luring doctors away. In Harsk, the three remaining doctors take turns sleeping at the hospital.",
            ),
        ],
        "related": [],
    },
    # ------------------------------------------------------------------ economy
    {
        "slug": "heating-bills-rise-forty-per-cent",
        "section": "economy",
        "headline": "Heating bills to rise by 40 per cent as state energy company covers its losses",
        "standfirst": "The increase, announced on a Sunday evening, is the third in eighteen months and will hit pensioners in the old district-heating estates hardest.",
        "authors": ["lena-vasko"],
        "tags": ["energy", "prices"],
        "hours_ago": 30,
        "updated_hours_ago": 10,
        "image": {
            "alt": "Snow falling over a white hillside with dark fir trees, a pale sun behind thin cloud.",
            "caption": "Winter on the edge of Kelmar. About 2.1 million flats depend on district heating.",
            "photographer": "Name withheld",
            "organisation": "The Kelmar Courier",
            "scene": "winter",
            "seed": 111,
        },
        "body": [
            (
                "paragraph",
                "Households connected to district heating networks will pay 40 per cent more from the first of next month, the state energy regulator announced on Sunday evening. The increase, the third in eighteen months, applies to about 2.1 million flats, most of them in the concrete estates built around Varnian cities in the seventies and eighties. Taken together with the previous two rises, it means a typical two-room flat in Kelmar will pay almost twice as much for heat this winter as it did two years ago.",
            ),
            (
                "paragraph",
                "The regulator cited 'the rising cost of fuel and necessary investment in networks'. Documents published by the state energy company, VarEnergo, tell a more specific story. The company lost the equivalent of 900 million euros last year, largely because sanctions forced it to buy gas through intermediaries. The intermediaries, registered in three different countries, add a margin that analysts estimate at between 15 and 30 per cent.",
            ),
            ("heading", "Who pays the margin"),
            (
                "paragraph",
                "Heating takes a growing share of household budgets. According to the state statistics office, a pensioner living alone in Kelmar will spend about a third of the average pension on heating and hot water this winter. Subsidies exist for low-income households, but the application requires eight documents, and the subsidy is calculated on last year's tariff, so it does not rise with the bills.",
            ),
            (
                "quote",
                {
                    "text": "I already heat only one room. I moved my bed into the kitchen last winter. I don't know what is left to cut.",
                    "attribution": "Olga, 74, a retired librarian in the Kelmar district of Norrel",
                },
            ),
            (
                "paragraph",
                "The government has repeatedly promised that energy prices would remain 'socially acceptable'. Before the second increase, the energy minister said on television that tariffs would not rise again 'for the foreseeable future'. Economists in exile argue that the rise is in effect a tax the government does not want to call a tax, used to absorb the cost of sanctions without touching the defence budget.",
            ),
            (
                "paragraph",
                "Update: on Monday afternoon, after this article was published, the presidential administration announced a one-off payment of 3,000 dalen for pensioners 'to compensate for seasonal costs'. At the new tariff, the payment covers roughly six weeks of heating for a two-room flat. Economists noted that it will be paid once, while the new tariff applies indefinitely. An opposition group abroad called it 'a receipt, not a refund'.",
            ),
        ],
        "related": ["brask-coal-plant-restarted"],
    },
    {
        "slug": "grey-imports-sanctioned-goods",
        "section": "economy",
        "headline": "How sanctioned goods still reach Varnian shelves, at twice the price",
        "standfirst": "Trade data shows imports through three small neighbouring economies have tripled since sanctions were imposed. The goods are the same; the route, and the cut taken along the way, is new.",
        "authors": ["lena-vasko"],
        "tags": ["sanctions", "corruption"],
        "hours_ago": 250,
        "updated_hours_ago": None,
        "image": {
            "alt": "A broad river under a hazy sky, the far bank lined with trees, reeds at the water's edge.",
            "caption": "The border river east of Dorne. Much of Varnia's trade now crosses here by road.",
            "photographer": "Elin Marsh",
            "organisation": "The Kelmar Courier",
            "scene": "river",
            "seed": 112,
        },
        "body": [
            (
                "paragraph",
                "Walk into an electronics shop in Kelmar and the shelves look much as they did before sanctions: the same phones, the same laptops, the same washing machines. The prices do not. A popular smartphone that cost 24,000 dalen two years ago now sells for 51,000. The difference, traders told the Courier, is the cost of what the industry calls 'parallel import': goods bought legally in one country and resold, through a chain of intermediaries, into a market where they are no longer officially sold.",
            ),
            (
                "paragraph",
                "Trade data published by Varnia's partners, which the Courier analysed for the past three years, shows how it works. Exports of electronics, machine parts and vehicles to Varnia from the countries that imposed sanctions fell by more than 80 per cent. Over the same period, their exports of the same goods to three small neighbouring economies roughly tripled, and those economies' exports to Varnia rose by almost exactly the same amount.",
            ),
            (
                "quote",
                {
                    "text": "Nothing was stopped. It just takes an extra three weeks and an extra three companies, and every company takes its share.",
                    "attribution": "A logistics manager who organises deliveries across the eastern border",
                },
            ),
            ("heading", "A club of licensed importers"),
            (
                "paragraph",
                "Since last year, parallel import has required a licence from the Trade Ministry. According to the public register, 61 companies hold one. The Courier traced the owners of the twenty largest. Eight are registered to relatives or former business partners of senior officials, including a deputy trade minister whose brother-in-law owns two of them. Three were founded less than a month before they received their licence.",
            ),
            (
                "paragraph",
                "For consumers, the result is higher prices and fewer guarantees. Manufacturers' warranties are generally not honoured for goods imported this way, and spare parts are scarce. Hospitals and factories that depend on imported equipment face the same problem on a larger scale: an administrator at a hospital in Veyport said a replacement part for a scanner took seven months to arrive and cost four times the list price.",
            ),
            (
                "paragraph",
                "The Trade Ministry said licences were issued 'on the basis of objective criteria' and declined to discuss individual companies. The deputy minister did not respond to requests for comment sent to his office and to his personal email address. Since the questions were sent, two of the companies linked to his family have applied to transfer their licences to new owners, according to the public register.",
            ),
        ],
        "related": ["veyport-harbour-without-ships", "minister-coastal-villas"],
    },
    {
        "slug": "pension-fund-stability-bonds",
        "section": "economy",
        "headline": "The government is quietly borrowing from the pension fund. Here is what it means for your pension",
        "standfirst": "Since January, the finance ministry has moved 14 per cent of the state pension fund's reserves into special bonds that cannot be sold, at an interest rate far below inflation.",
        "authors": ["lena-vasko"],
        "tags": ["prices", "labour"],
        "hours_ago": 640,
        "updated_hours_ago": None,
        "image": {
            "alt": "Office towers and older apartment buildings in silhouette against a dusky sky.",
            "caption": "The finance ministry's district in central Kelmar.",
            "photographer": "Name withheld",
            "organisation": "The Kelmar Courier",
            "scene": "city",
            "seed": 113,
        },
        "body": [
            (
                "paragraph",
                "The state pension fund, which pays the pensions of 2.8 million Varnians, has been instructed to buy a new kind of government bond, according to the fund's own quarterly report, which appeared on its website and was removed two days later. The Courier saved a copy. It shows that by the end of March the fund had bought 'stability bonds' worth 14 per cent of its reserves, with a maturity of fifteen years and an interest rate of 4 per cent a year.",
            ),
            (
                "paragraph",
                "Official inflation last year was 11 per cent. Independent estimates based on shop prices put it closer to 17. A bond paying 4 per cent in those conditions loses value every year it is held, and the stability bonds, unlike ordinary government debt, cannot be sold before they mature. In practice, economists say, the fund has lent money to the government on terms no private investor would accept.",
            ),
            (
                "quote",
                {
                    "text": "It is a tax on future pensioners, collected today, and nobody had to vote for it.",
                    "attribution": "Petra Anholt, former deputy governor of the National Bank",
                },
            ),
            ("heading", "Where the money goes"),
            (
                "paragraph",
                "The finance ministry has not said what the money is for. This year's budget shows a deficit financed 'from domestic sources', with no further detail. Military spending, which the government stopped publishing in full two years ago, is the most likely destination, according to three economists who spoke to the Courier. The ministry's press office called the bonds 'a reliable instrument for preserving the savings of citizens'.",
            ),
            (
                "paragraph",
                "For today's pensioners, nothing changes immediately: pensions are paid from current contributions, not from reserves. The risk lies in the next decade. The reserves were built up for the years when the large generation born in the sixties retires and a workforce already thinned by emigration shrinks further. If the reserves are worth a fraction of their current value, the gap will be filled by higher contributions, lower pensions or printed money.",
            ),
            (
                "paragraph",
                "The fund's supervisory board, which is supposed to approve any major change in investment policy, has not met this year, according to its own published calendar. Two of its five members have resigned. Their seats remain empty. One of them told the Courier she had learned of the bond purchases from the quarterly report, like everyone else. 'The board exists on paper,' she said. 'The decisions are made somewhere else.'",
            ),
        ],
        "related": [],
    },
    {
        "slug": "veyport-harbour-without-ships",
        "section": "economy",
        "headline": "Veyport, a harbour without ships",
        "standfirst": "Varnia's biggest port handled a third of its usual cargo last year. The cranes are still, the dockers are leaving, and the city is learning to live without the sea.",
        "authors": ["lena-vasko", "nadia-rell"],
        "tags": ["sanctions", "labour"],
        "hours_ago": 980,
        "updated_hours_ago": None,
        "image": {
            "alt": "A calm sea under a pink, hazy sky, the sun low over the water and a strip of land on the horizon.",
            "caption": "The approaches to Veyport. On a typical day three years ago, nine ships would be waiting to unload.",
            "photographer": "Karin Esk",
            "organisation": "Kestria Press Agency",
            "scene": "sea",
            "seed": 114,
        },
        "body": [
            (
                "paragraph",
                "From the hill above the old town, Veyport's container terminal looks like a photograph of itself. The cranes stand in a line along the quay with their booms raised. A single feeder vessel under a flag of convenience is unloading at the far end. Three years ago, on a typical day, there would have been nine. The port's annual report shows it handled 1.2 million tonnes of cargo last year, down from 3.6 million before sanctions.",
            ),
            (
                "paragraph",
                "Most of the shipping lines that used to call at Veyport stopped after sanctions were imposed, either because their home countries banned it or because insurers would no longer cover the voyage. The lines that remain charge more and come less often. Much of the trade that used to pass through the port now travels overland through the grey-import corridors in the east, which cost more but attract less attention.",
            ),
            (
                "quote",
                {
                    "text": "My father worked on these cranes, and his father on the ones before them. I will be the last one in my family who does.",
                    "attribution": "Marek, a crane operator on reduced hours since last summer",
                },
            ),
            (
                "paragraph",
                "For the city, the port was more than an employer. It paid for the hospital's new wing, the ice rink and the football club. Dockers were among the best-paid workers in Varnia, and their wages kept the cafés and shops of the harbour district alive. Today about half of the 6,000 people who worked at the port three years ago are still employed there, most on reduced hours. Many of the others have left for ports across the water, where their skills are in demand.",
            ),
            ("heading", "Promises from the capital"),
            (
                "paragraph",
                "The government has promised to turn Veyport into a 'hub for friendly trade' and announced a new grain terminal, to be financed by a loan from a state bank. Construction was meant to start last year. The site, a fenced field behind the railway yard, is still empty. The port authority says the project is 'at the design stage'.",
            ),
            (
                "paragraph",
                "Meanwhile, the harbour district is changing. Two of the three seamen's bars have closed. The old port canteen is now a warehouse. On the quay, retired dockers still come to fish in the mornings, as they always did. There is more room for them now.",
            ),
        ],
        "related": ["grey-imports-sanctioned-goods"],
    },
    {
        "slug": "street-money-changers-return",
        "section": "economy",
        "headline": "The return of the street money changers",
        "standfirst": "With the official rate fixed far from reality and transfers abroad restricted, Kelmar's currency black market is back, a quarter of a century after it disappeared.",
        "authors": ["vera-north"],
        "tags": ["prices", "sanctions"],
        "hours_ago": 1700,
        "updated_hours_ago": None,
        "image": {
            "alt": "A small town at night under a dark blue sky, with a few lit windows and a bright moon above low hills.",
            "caption": "Evening in Kelmar's market district, where currency changers work after the banks close.",
            "photographer": "Name withheld",
            "organisation": "The Kelmar Courier",
            "scene": "night",
            "seed": 115,
        },
        "body": [
            (
                "paragraph",
                "The man at the bus stop outside Kelmar's central market does not say what he is selling. He does not need to. Anyone who walks past slowly enough is asked, quietly, whether they need 'green' or 'blue': dollars or euros. His rate is written on a folded piece of cardboard in his pocket, 168 dalen to the dollar. The official rate, set every morning by the National Bank and displayed in bank windows a few metres away, is 104.",
            ),
            (
                "paragraph",
                "The currency black market all but disappeared in the early years of independence, once the dalen became freely convertible. It returned last year, after the National Bank limited purchases of foreign currency to 500 dollars a month per person and banned most transfers abroad. Banks still sell dollars at the official rate, in theory. In practice, branches rarely have any, and those that do keep them for regular customers.",
            ),
            (
                "quote",
                {
                    "text": "Everyone knows two rates: the one on television and the one on the cardboard. The one on the cardboard is the real one.",
                    "attribution": "A pensioner buying euros to send to her son abroad",
                },
            ),
            (
                "paragraph",
                "The gap between the two rates has become one of the most reliable indicators of Varnia's economic health, precisely because the government does not control it. Economists in exile track it daily through informants in five cities. It widened sharply after the last round of sanctions, and again when the budget revealed a deficit three times larger than planned.",
            ),
            ("heading", "A market with its own rules"),
            (
                "paragraph",
                "Street trading in currency is a criminal offence carrying up to four years in prison. Police carry out occasional raids, usually shown on state television with footage of confiscated banknotes. But the trade is too large to suppress and too useful: importers rely on it to pay foreign suppliers, and families rely on it to support relatives abroad. Several people told the Courier they suspected some changers paid local police for protection.",
            ),
            (
                "paragraph",
                "For ordinary Varnians, the black market is a daily lesson in what the dalen is really worth. Shop owners increasingly price imported goods at the street rate. Landlords in central Kelmar quote rents in dollars again, as they did in the nineties. The official rate stays on the screens in the bank windows, moving by a few tenths every morning.",
            ),
        ],
        "related": [],
    },
    # ------------------------------------------------------------------ investigations
    {
        "slug": "minister-coastal-villas",
        "section": "investigations",
        "headline": "The interior minister's seaside compound, held through his driver and his mother-in-law",
        "standfirst": "Land registry records, company filings and court documents reveal three villas on the Varnian coast worth an estimated 14 million euros, on a declared salary of about 3,100 euros a month.",
        "authors": ["teodor-marenko", "mira-talvik"],
        "tags": ["corruption", "sanctions"],
        "hours_ago": 150,
        "updated_hours_ago": None,
        "image": {
            "alt": "A calm grey sea under an overcast sky, the sun a pale disc above the horizon.",
            "caption": "The coast south of Veyport, where the compound stands behind a three-metre wall.",
            "photographer": "Name withheld",
            "organisation": "The Kelmar Courier",
            "scene": "sea",
            "seed": 116,
        },
        "body": [
            (
                "paragraph",
                "On a headland south of Veyport, behind a three-metre wall and a line of pine trees, stand three villas with a private beach, a boathouse and a helicopter pad. Local people call the place 'the ministry'. According to land registry records obtained by the Courier, the land belongs to a company registered to a 68-year-old woman who lives in a two-room flat in Kelmar. She is the mother-in-law of Anton Gerhold, Varnia's interior minister and the official in charge of the police.",
            ),
            (
                "paragraph",
                "The investigation took eleven months. Courier reporters, working with sources inside Varnia and a colleague in Kestria, examined more than 2,000 pages of registry extracts, company filings and court records. We traced the compound through four companies, two of which changed owners on the same day last year. The buildings themselves do not appear in the registry at all: officially, the land is an 'agricultural plot with temporary structures'.",
            ),
            ("heading", "The driver who owns a marina"),
            (
                "paragraph",
                "The company that built the villas is owned by a man who, according to his social media profiles before they were deleted, worked for years as the minister's driver. The same man is listed as the owner of a marina near Veyport and of a 24-metre motor yacht registered abroad. His declared income last year, according to a tax record seen by the Courier, was the equivalent of 9,400 euros.",
            ),
            (
                "quote",
                {
                    "text": "Of course everyone here knows whose house it is. The cars come at night with a police escort, and the road is closed for the weekend.",
                    "attribution": "A resident of the nearest village",
                },
            ),
            (
                "paragraph",
                "The minister's official asset declaration lists a flat in Kelmar, a small plot of land and a car. His wife declares no property. His annual salary is the equivalent of about 37,000 euros. An independent valuer in Kestria, who reviewed photographs and plans of the compound for the Courier, estimated its value at 14 million euros, not counting the yacht or the marina. Varnian law requires officials to declare property used by their families.",
            ),
            (
                "paragraph",
                "The Courier sent detailed questions to the minister, his mother-in-law and his former driver two weeks before publication. None replied. The day after the questions were sent, the company that owns the land changed its name and appointed a new director, a 23-year-old student from Veyport. The Interior Ministry's press office said only that the minister 'does not comment on provocations by foreign agents'. No prosecutor has opened a case against a serving minister in eight years.",
            ),
        ],
        "related": ["grey-imports-sanctioned-goods"],
    },
    {
        "slug": "metro-cameras-shell-company",
        "section": "investigations",
        "headline": "Kelmar's metro face-recognition cameras were bought through a company with no staff",
        "standfirst": "A 210-million-dalen contract for the system police use to identify protesters went to a firm founded six weeks before the tender, registered in a flat in a commuter suburb.",
        "authors": ["teodor-marenko"],
        "tags": ["corruption", "protest", "internet"],
        "hours_ago": 460,
        "updated_hours_ago": None,
        "image": {
            "alt": "A dense city skyline at dusk, tower blocks in silhouette with scattered lit windows.",
            "caption": "Kelmar at dusk. Every metro station in the city is now covered by facial recognition cameras.",
            "photographer": "Name withheld",
            "organisation": "The Kelmar Courier",
            "scene": "city",
            "seed": 117,
        },
        "body": [
            (
                "paragraph",
                "Since last autumn, the 1,800 cameras in Kelmar's metro stations have been connected to a facial recognition system that compares every passenger's face with a database of 'persons of interest'. Lawyers for people detained after protests say it is the main way police identify their clients, often days or weeks after the event. The contract to supply the system, worth 210 million dalen, was awarded to a company called Optisfera, which had existed for six weeks when it won the tender.",
            ),
            (
                "paragraph",
                "Documents from the public procurement portal, downloaded by the Courier before access from abroad was blocked, show that Optisfera was the only bidder. Its registered address is a flat in a suburb of Kelmar. At the time of the tender it had one employee: its director, then twenty-four years old, who had previously worked as a sales assistant in a phone shop. The company has since been liquidated.",
            ),
            ("heading", "Following the hardware"),
            (
                "paragraph",
                "The cameras and servers were not made by Optisfera. Shipping records, and serial numbers visible in the metro's own publicity photographs, identify the equipment as the product of a foreign manufacturer whose exports to Varnia are now restricted by sanctions. It reached Varnia through a distributor in a neighbouring country, which a month after the delivery was sold to a company owned by the son of the deputy mayor responsible for transport.",
            ),
            (
                "quote",
                {
                    "text": "I was arrested eleven days after a protest, at a station I had never used before. The officer showed me a still from a camera. It was me, walking past a kiosk.",
                    "attribution": "A student from Kelmar, released after fifteen days in detention",
                },
            ),
            (
                "paragraph",
                "Based on the published list prices of the hardware and typical installation costs, the Courier estimates the system would have cost about a third of the contract price. The difference, roughly 140 million dalen, cannot be traced in public documents. The metro authority said the contract had been 'audited and approved' and declined to publish the audit. Varnia's data protection law still requires a court order for biometric identification; an amendment removing that requirement reached the Assembly only last month.",
            ),
            (
                "paragraph",
                "The deputy mayor did not respond to questions sent to his office. His son said in a short email that he had 'no involvement in any public contracts' and that the sale of the distributor was 'an ordinary commercial transaction'. The metro authority has since announced a second phase of the project, extending facial recognition to buses and trams. The tender has not yet been published.",
            ),
        ],
        "related": [],
    },
    {
        "slug": "penal-colony-seven-deaths",
        "section": "investigations",
        "headline": "Three deaths in eight months at Penal Colony No. 7. The official cause each time: heart failure",
        "standfirst": "Former inmates, medical documents and letters smuggled out of the colony describe beatings, unheated isolation cells and a doctor who signs what he is told.",
        "authors": ["teodor-marenko", "nadia-rell"],
        "tags": ["prisons", "courts"],
        "hours_ago": 760,
        "updated_hours_ago": 700,
        "image": {
            "alt": "A flat, snow-covered plain with scattered fir trees under a pale, hazy sky, the sun low.",
            "caption": "The plain north of Hadvik, three hours' drive from the nearest city.",
            "photographer": "Jonas Reyk",
            "organisation": "Northgate Pictures",
            "scene": "winter",
            "seed": 118,
        },
        "body": [
            (
                "paragraph",
                "Penal Colony No. 7 stands on a plain north of Hadvik, three hours' drive from the nearest city. It holds about 1,400 men, including at least forty serving sentences that human rights groups consider political. In the past eight months, three prisoners have died there. According to their death certificates, which the families shared with the Courier, all three died of 'acute heart failure'. The youngest was twenty-nine. None had a history of heart disease.",
            ),
            (
                "paragraph",
                "Over four months, the Courier interviewed eleven former inmates of the colony, two former employees and the families of all three men. We also examined medical documents, court records and nine letters written by prisoners and passed to their families without going through the censor. Their accounts are consistent. They describe beatings for minor infractions and long spells in isolation cells that are not heated in winter.",
            ),
            (
                "quote",
                {
                    "text": "In the cold cell you sleep on a wooden board that is folded against the wall at six in the morning. You stand, or you walk. In January there was ice on the inside of the window.",
                    "attribution": "A former inmate who spent 43 days in isolation at the colony",
                },
            ),
            ("heading", "A doctor who signs"),
            (
                "paragraph",
                "Two of the three men had spent time in isolation in the weeks before they died, according to relatives and fellow prisoners. One told his mother during a visit that he had been beaten after refusing to sign a statement renouncing his political views. The colony's medical unit is run by a single doctor. A former nurse said he 'signed whatever the duty officer put in front of him', including records that described injuries as falls.",
            ),
            (
                "paragraph",
                "One family was allowed to see the body only after it had been prepared for burial. Another paid for an independent post-mortem at a regional hospital. The pathologist's report, seen by the Courier, records bruising on the back and legs and two broken ribs, injuries it calls 'inconsistent with the documented cause of death'. The family's complaint to the prosecutor was rejected after nine days. The State Penitentiary Service told the Courier that all three deaths had been 'thoroughly investigated' and that no violations were found.",
            ),
            (
                "paragraph",
                "Update: after publication, the prosecutor's office in Hadvik announced it would review the complaint by the family of one of the men. Two days later, the colony's deputy director was transferred to another post. Lawyers for the families say they have not been told of any new investigation.",
            ),
        ],
        "related": ["parcels-for-political-prisoners"],
    },
    {
        "slug": "leaked-payroll-paid-bloggers",
        "section": "investigations",
        "headline": "Leaked payroll shows the state pays 400 bloggers to praise the president",
        "standfirst": "Spreadsheets from a contractor of the presidential administration list monthly fees, topics and 'engagement targets' for popular accounts that present themselves as independent.",
        "authors": ["teodor-marenko"],
        "tags": ["censorship", "internet"],
        "hours_ago": 1250,
        "updated_hours_ago": None,
        "image": {
            "alt": "Rooftops of a small town at night, dark against a deep blue sky, with a few windows and street lamps glowing.",
            "caption": "Most of the accounts in the spreadsheets are run from Kelmar and Veyport.",
            "photographer": "Karin Esk",
            "organisation": "Kestria Press Agency",
            "scene": "night",
            "seed": 119,
        },
        "body": [
            (
                "paragraph",
                "A cookery channel with 600,000 subscribers. A fitness instructor in Veyport. A student who reviews video games, a retired colonel who talks about fishing, a young mother who posts about her children. What they have in common, according to documents obtained by the Courier, is a monthly payment from a company working for the presidential administration, in return for posts that praise the government, mock the opposition and, at certain moments, attack independent journalists.",
            ),
            (
                "paragraph",
                "The documents, a set of spreadsheets covering nineteen months, were provided by a former employee of the company, a media agency registered in Kelmar. They list 412 accounts across five platforms, with monthly fees from the equivalent of 150 euros to 9,000 euros. Each row records the topics assigned that month, the number of posts required and an 'engagement target': the number of likes and comments each post was expected to collect.",
            ),
            ("heading", "Talking points by the week"),
            (
                "paragraph",
                "The assignments follow the political calendar closely. In the week the emergency was extended for the second time, 160 accounts were asked to post about 'stability'. When an exiled opposition leader was sentenced in absentia, 74 accounts received a script suggesting he had fled with money donated by supporters. Food bloggers were regularly asked to mention 'stable prices' at the end of recipes.",
            ),
            (
                "quote",
                {
                    "text": "At first it was one line at the end of a recipe video: thank the state for stable prices. Later they sent whole scripts, and a number to call if I had doubts.",
                    "attribution": "A food blogger listed in the spreadsheets, who stopped working with the agency last year",
                },
            ),
            (
                "paragraph",
                "The Courier verified the documents by matching assignments with posts that actually appeared. In a sample of 200 assignments, 187 produced a post on the scheduled day, often using the exact wording in the spreadsheet. We contacted forty of the listed accounts. Four confirmed they had been paid. Most did not reply, and several deleted the posts mentioned in our questions within hours.",
            ),
            (
                "paragraph",
                "The agency's director said the documents were 'fabricated by foreign intelligence services' and threatened legal action. The presidential administration did not respond. The platforms where the accounts are active require paid political content to be labelled; none of the posts we examined carried a label. According to the spreadsheets, the programme cost the equivalent of 1.9 million euros over the period, paid from a budget line called 'informational support for social projects'.",
            ),
        ],
        "related": [],
    },
    {
        "slug": "price-of-crossing-northern-border",
        "section": "investigations",
        "headline": "The price of crossing: how border guards sell passage to men of draft age",
        "standfirst": "Reporters who crossed the northern border as passengers documented a fixed tariff, paid in cash in a roadside café, for men who are officially forbidden to leave the country.",
        "authors": [],
        "tags": ["conscription", "corruption"],
        "hours_ago": 1900,
        "updated_hours_ago": None,
        "image": {
            "alt": "Mountain ridges in layers of grey haze, the nearest slopes dark, under a pale sky with the sun above the peaks.",
            "caption": "The approach to the Harrow Pass on Varnia's northern border.",
            "photographer": "Tomas Vell",
            "organisation": "Northgate Pictures",
            "scene": "mountains",
            "seed": 120,
        },
        "body": [
            (
                "paragraph",
                "Editor's note: this article is published without a byline. The reporters who worked on it travelled in Varnia under their real names and could be identified from their bylines. The editors know who they are and have verified their work, the documents and the recordings on which it is based.",
            ),
            (
                "paragraph",
                "The café stands at the last petrol station before the Harrow Pass, twelve kilometres from the northern border. Inside, at a corner table, a man in a leather jacket takes orders for a service that is not on the menu. For men between eighteen and fifty-five, who since the spring have needed written permission from a recruitment office to leave Varnia, he offers a guaranteed crossing. The price, when our reporters asked on behalf of a passenger, was 4,500 dollars, half in advance.",
            ),
            (
                "paragraph",
                "Over three months, the Courier documented the trade through interviews with 23 men who crossed the northern border, three drivers who carry passengers and a former border guard. Their accounts describe a fixed system. Payment is made in cash, in the café or at one of two other roadside businesses. The passenger is given a time and a lane number. At the checkpoint, his passport is stamped and the exit permit is never asked for.",
            ),
            (
                "quote",
                {
                    "text": "The guard did not look at me. He looked at the clock on the wall, stamped the passport and said 'next'. It took less time than buying bread.",
                    "attribution": "A 34-year-old engineer from Kelmar who crossed in May",
                },
            ),
            ("heading", "A shift system"),
            (
                "paragraph",
                "The former guard, who left the service last year and now lives abroad, said crossings were organised by shift. Only certain officers worked the 'paid lanes', and the money was collected daily and divided by rank, with a share sent up to the regional command. He estimated that in peak weeks more than 200 men crossed this way at the Harrow Pass alone. The Courier could not verify the figure independently, but it is consistent with the drivers' accounts.",
            ),
            (
                "paragraph",
                "For those who cannot pay, the alternatives are more dangerous. Men have tried to cross the mountains on foot, and volunteer rescuers on the other side say they have found at least six bodies since the spring. Attempting to leave without a permit now carries up to five years in prison. The State Border Service did not answer our questions. Two weeks after they were sent, state television reported the arrest of three junior officers at the pass for 'abuse of office'. The café is still open.",
            ),
        ],
        "related": ["conscription-notices-at-exams"],
    },
    # ------------------------------------------------------------------ culture
    {
        "slug": "slow-frost-diaspora-tour",
        "section": "culture",
        "headline": "Banned at home, Slow Frost sell out a tour of the diaspora",
        "standfirst": "Varnia's best-loved rock band has not played in its own country for two years. In Aldenburg last week, 4,000 exiles sang every word back to them.",
        "authors": ["anna-sedlin"],
        "tags": ["exile", "censorship", "diaspora"],
        "hours_ago": 90,
        "updated_hours_ago": None,
        "image": {
            "alt": "A crowd seen from behind, facing a row of buildings with lit windows and blurred lights.",
            "caption": "Fans queuing outside the arena in Aldenburg before the Slow Frost concert.",
            "photographer": "Karin Esk",
            "organisation": "Kestria Press Agency",
            "scene": "crowd",
            "seed": 121,
        },
        "body": [
            (
                "paragraph",
                "Halfway through the concert, the singer of Slow Frost stopped the band and asked the audience a question: who in the hall had been to one of their shows in Kelmar? Almost every hand went up. Then he asked who had left Varnia in the past three years. The hands stayed up. For a few seconds, 4,000 people stood in silence in a sports arena in Aldenburg, looking at one another, before the drummer counted in the next song.",
            ),
            (
                "paragraph",
                "Slow Frost, formed in Veyport in the late nineties, spent two decades as one of Varnia's most popular bands, filling stadiums with songs about factory towns, unhappy love and the sea. They were not, by their own account, a political band. That changed after the disputed presidential election, when the singer, Jan Korda, posted a short video from the protests in Kelmar. Within a month their concerts were cancelled, their songs vanished from state radio and Korda was charged with 'discrediting state institutions'.",
            ),
            (
                "quote",
                {
                    "text": "We used to sing about leaving as something sad that happened to other people. Now the whole audience has left. The songs have not changed, but they mean something else.",
                    "attribution": "Jan Korda, singer of Slow Frost",
                },
            ),
            ("heading", "Twenty-two concerts in nine countries"),
            (
                "paragraph",
                "The band now lives between Aldenburg and two other cities, and this autumn it is playing 22 concerts in nine countries, almost all of them sold out. The audience is overwhelmingly Varnian: young programmers who left to avoid conscription, families with small children, pensioners who followed their grandchildren abroad. At the merchandise stall, the best-selling item is a T-shirt printed with the cover of the band's first album, a photograph of the Veyport lighthouse.",
            ),
            (
                "paragraph",
                "The tour is also a fundraiser. A share of ticket revenue goes to a fund that pays lawyers for political prisoners, and Korda reads out the names of three prisoners before every encore. In Varnia, listening to the band is not a crime, but sharing its new songs online has already led to at least two fines for 'disseminating materials of a foreign agent', since Korda was added to the register last year.",
            ),
            (
                "paragraph",
                "After the Aldenburg show, the crowd spilled into the street outside the arena and kept singing. Several people said it was the first time since leaving that they had felt, for a couple of hours, at home. The band's next album, recorded in a borrowed studio in Kestria, is due in the spring. Its working title is 'Return Address'.",
            ),
        ],
        "related": [],
    },
    {
        "slug": "samizdat-poetry-presses",
        "section": "culture",
        "headline": "Printed in a garage, passed from hand to hand: the return of Varnian samizdat",
        "standfirst": "As bookshops remove banned authors and publishers are fined, a handful of underground presses are printing poetry and essays in runs of a few hundred copies.",
        "authors": ["anna-sedlin"],
        "tags": ["censorship", "diaspora"],
        "hours_ago": 380,
        "updated_hours_ago": None,
        "image": {
            "alt": "A row of low buildings at night with a few lit windows, under a dark sky with stars and a moon.",
            "caption": "Most underground presses work at night, in garages and basements.",
            "photographer": "Name withheld",
            "organisation": "The Kelmar Courier",
            "scene": "night",
            "seed": 122,
        },
        "body": [
            (
                "paragraph",
                "The printer is an old office machine bought second-hand, installed in a garage on the outskirts of a town in western Varnia. If nothing jams, it can produce about 300 copies of a thin book in a night. The people who run it, a retired schoolteacher and her nephew, print poetry: collections by authors now banned from Varnian bookshops, and new writing sent to them by people they have never met.",
            ),
            (
                "paragraph",
                "Since last year, bookshops have been required to check their stock against a list of 'foreign agents' and 'extremist materials' kept by the Justice Ministry. Books by anyone on the list must be removed, or sold in sealed packaging with a warning label. Most shops have chosen removal. Publishers that kept printing banned authors have been fined; one in Kelmar lost its licence after publishing a novel by a writer who had emigrated.",
            ),
            (
                "quote",
                {
                    "text": "The state made poetry dangerous again. In a way, it gave poetry back its meaning.",
                    "attribution": "The retired teacher who runs the press",
                },
            ),
            ("heading", "Invisible distribution"),
            (
                "paragraph",
                "Distribution relies on trust. The books are not sold; they are given to people who pass them on, with a request to leave a small donation in a jar at one of a dozen cafés and second-hand shops. No copy carries a publisher's name, only a small drawing of a key on the back cover. Readers are asked to give the book away once they have read it, and some copies have already passed through a dozen hands.",
            ),
            (
                "paragraph",
                "The Courier knows of at least five such presses in Varnia. Some print a few dozen copies; one in Kelmar produced a 120-page anthology of prison letters in a run of 1,000. The presses do not communicate with one another, by design, and avoid digital files that could be traced. Texts are often retyped from handwritten copies, introducing small variations that readers have begun to collect.",
            ),
            (
                "paragraph",
                "For the authors, many of whom now live abroad, these editions are a strange kind of homecoming. A poet in Aldenburg, whose last collection was withdrawn from Varnian shops in the spring, received a photograph of her book as printed in the garage. The cover was slightly crooked and her name was misspelled. 'It is the most beautiful edition I have ever had,' she said.",
            ),
        ],
        "related": ["history-textbook-without-protests"],
    },
    {
        "slug": "theatre-of-departures",
        "section": "culture",
        "headline": "'Departures', a play about leaving, written by people who left",
        "standfirst": "Simon Arvay's exiled theatre company has staged a two-hour play set entirely in a ferry terminal. It is the most painful, and the funniest, thing they have done.",
        "authors": ["anna-sedlin"],
        "tags": ["exile", "diaspora"],
        "hours_ago": 820,
        "updated_hours_ago": None,
        "image": {
            "alt": "Open sea under a hazy sky, the sun low over the water and a dark headland in the distance.",
            "caption": "The ferry crossing to Aldenburg, the route many of the company's actors took.",
            "photographer": "Elin Marsh",
            "organisation": "The Kelmar Courier",
            "scene": "sea",
            "seed": 123,
        },
        "body": [
            (
                "paragraph",
                "The stage is a waiting room: rows of plastic chairs, a departures board, a vending machine that does not work. For two hours, eleven characters wait for a ferry that is delayed, then delayed again, then cancelled. A mother with too much luggage. A young man with a forged exit permit. A retired colonel who insists he is only going on holiday. A couple arguing about whether to take the cat. By the end, nobody has left, and nobody can go back.",
            ),
            (
                "paragraph",
                "'Departures' is the third production of the Kelmar Studio Theatre since it moved to Aldenburg two years ago, after its building was sealed and its director, Simon Arvay, was charged with 'insulting the feelings of veterans' over a staging of a classic war drama. The company's eight actors all left Varnia at different times and by different routes. The play was written collectively, from their own stories and from interviews with people they met on the way.",
            ),
            (
                "quote",
                {
                    "text": "Every line in this play was said by someone, somewhere, in a queue. We only had to choose which ones to keep.",
                    "attribution": "Simon Arvay, director of the Kelmar Studio Theatre",
                },
            ),
            (
                "paragraph",
                "The result is unsparing and often very funny. The audience at the premiere, mostly Varnian exiles, laughed hardest at the moments closest to their own experience: the argument over which documents to bring, the phone call to a mother pretending not to cry, the colonel's endless explanations of why he, unlike the others, is not really leaving. Several people left in tears; most stayed to talk to the actors in the foyer.",
            ),
            ("heading", "A theatre without a home"),
            (
                "paragraph",
                "The company performs in a borrowed hall in a cultural centre, with a set that fits in a van. It is funded by ticket sales, a small grant from the city of Aldenburg and donations from its audience. The actors work other jobs during the day: one drives a delivery van, another teaches drama at a secondary school. Arvay says the company's future depends on finding an audience beyond the diaspora, and the play is now being translated into Kestrian.",
            ),
            (
                "paragraph",
                "At the end of the performance, the actors do not bow. They stay on the plastic chairs and wait, looking out at the audience, until the house lights come up. It takes a while before anyone realises it is over. Some people stay in their seats even then. On the night the Courier attended, a woman in the third row sat for several minutes after the hall had emptied, her coat on her knees, until an usher asked gently whether she was all right. 'I was waiting for my ferry,' she said.",
            ),
        ],
        "related": ["foreign-agent-law-property-seizures", "slow-frost-diaspora-tour"],
    },
    {
        "slug": "kelmar-film-festival-cancelled",
        "section": "culture",
        "headline": "Kelmar's film festival cancelled after programmers refuse to drop a documentary",
        "standfirst": "Organisers of the country's oldest film festival were given a choice: remove a film about the Dorne steelworks or lose their venues. They refused, and the festival did not take place.",
        "authors": ["vera-north"],
        "tags": ["censorship", "protest"],
        "hours_ago": 1400,
        "updated_hours_ago": None,
        "image": {
            "alt": "A crowd seen from behind in the evening, facing tall buildings with lit windows and soft, blurred street lights.",
            "caption": "Film-goers outside the Palace of Culture in Kelmar at a previous edition of the festival.",
            "photographer": "Name withheld",
            "organisation": "The Kelmar Courier",
            "scene": "crowd",
            "seed": 124,
        },
        "body": [
            (
                "paragraph",
                "For thirty-one years, the Kelmar International Film Festival opened on the first Friday of October with a screening in the old Palace of Culture, followed by a reception on its marble staircase. This year the staircase was empty. The programmers announced on Monday that the festival would not take place, after the city withdrew permission to use the building and three other venues cancelled their contracts in the same week.",
            ),
            (
                "paragraph",
                "The reason, according to four members of the festival team who spoke to the Courier, was a single film. 'The Last Shift' is a documentary about the decline of the Dorne steelworks, following three workers over two years as the plant cuts jobs and the town council resigns. It contains no interviews with politicians and no commentary. Its director, who still lives in Varnia, calls it 'a film about work'.",
            ),
            (
                "quote",
                {
                    "text": "They told us the film was 'inappropriate for the current moment'. We asked which moment they meant. Nobody answered.",
                    "attribution": "A member of the festival's programming committee",
                },
            ),
            ("heading", "A quiet kind of pressure"),
            (
                "paragraph",
                "The programmers say they were never formally ordered to drop the film. Instead, officials from the city's culture department made a series of phone calls suggesting that the festival's 'prospects' would improve if its programme were more 'balanced'. When the festival published its line-up with the film included, the Palace of Culture discovered urgent repairs to its heating system. The other venues soon followed.",
            ),
            (
                "paragraph",
                "The festival's director announced the cancellation in a two-paragraph statement that did not mention the documentary, saying only that it would be shown 'when circumstances allow'. Within hours, people began organising private screenings in flats and cafés across Kelmar. The Courier knows of at least thirty. Most were announced by word of mouth, with a limit of twenty guests to avoid attracting the police.",
            ),
            (
                "paragraph",
                "The film's director has since been summoned by the State Protection Bureau for what the letter called 'a conversation'. He attended, and said afterwards only that he had been asked about the film's funding, which came from a crowdfunding campaign and his own savings. The Bureau has not commented. The private screenings continue, and the list of flats willing to host one is growing.",
            ),
        ],
        "related": [],
    },
    {
        "slug": "folk-song-archive-rescue",
        "section": "culture",
        "headline": "Volunteers race to copy a century of folk songs before the archive is packed away",
        "standfirst": "When the Institute of Ethnography announced it would 'reorganise' its sound archive, volunteers at home and abroad set out to digitise 40,000 recordings before they disappeared into storage.",
        "authors": ["anna-sedlin"],
        "tags": ["internet", "diaspora"],
        "hours_ago": 1800,
        "updated_hours_ago": None,
        "image": {
            "alt": "Rolling farmland at the end of the day, with a lone tree and a distant line of trees under soft clouds.",
            "caption": "Farmland in the borderlands, where many of the archive's village recordings were made in the sixties.",
            "photographer": "Tomas Vell",
            "organisation": "Northgate Pictures",
            "scene": "field",
            "seed": 125,
        },
        "body": [
            (
                "paragraph",
                "In a basement of the Institute of Ethnography in Kelmar, on metal shelves that run the length of the building, lie 40,000 recordings of Varnian folk music: wax cylinders from the beginning of the last century, reel-to-reel tapes from village expeditions in the sixties, cassettes recorded by students in the eighties. Lullabies, wedding songs, laments for the dead, songs sung while mowing hay. Many exist in a single copy. Some are the only surviving record of dialects nobody speaks any more.",
            ),
            (
                "paragraph",
                "Last spring, the Institute announced that the archive would be 'reorganised' and moved to a storage facility outside the city as part of a merger with a state heritage agency. Staff were told that only recordings 'of national significance' would be catalogued. Several researchers who had spent years studying the songs of minority communities in the borderlands were not offered contracts with the new agency.",
            ),
            (
                "quote",
                {
                    "text": "Nobody said they wanted to destroy anything. They said it would be stored. We know what happens to things that are stored with nobody left to look after them.",
                    "attribution": "A former researcher at the archive",
                },
            ),
            ("heading", "Copying in the evenings"),
            (
                "paragraph",
                "Within weeks a group of volunteers had formed: archivists, sound engineers, students and Varnian musicians living abroad. Working with researchers who still had access to the building, they began copying recordings to digital files, usually in the evenings after the official working day. Equipment was bought with donations collected by a folk ensemble in the diaspora. The files were sent abroad in small batches and are now stored on servers in three countries.",
            ),
            (
                "paragraph",
                "So far the volunteers have copied about 26,000 recordings, many of them heard for the first time in decades. A choir in Aldenburg has started learning songs from a Highlands village that was flooded by a reservoir in the seventies; two former residents, now in their eighties, came to the first rehearsal. The project's website, blocked in Varnia but reachable through a VPN, publishes a new recording every day.",
            ),
            (
                "paragraph",
                "The move was completed in the autumn. Researchers who visited the new facility said many boxes had not been unpacked and the storage rooms were unheated. The volunteers have not stopped: they are now tracking down the private collections of folklorists who recorded villages on their own tape recorders, and whose reels are sitting in attics across the country.",
            ),
        ],
        "related": [],
    },
    # ------------------------------------------------------------------ environment
    {
        "slug": "orla-fish-die-off-sallen",
        "section": "environment",
        "headline": "Tonnes of dead fish on the Orla below the Sallen chemical works",
        "standfirst": "Residents filmed a twenty-kilometre stretch of dead fish downstream of a fertiliser plant. Officials blamed the hot weather, then stopped answering questions.",
        "authors": ["ivo-kastel"],
        "tags": ["water", "corruption"],
        "hours_ago": 40,
        "updated_hours_ago": 12,
        "image": {
            "alt": "A slow, wide river under a hazy sky, trees on the far bank and dark reeds in the foreground.",
            "caption": "The Orla downstream of Sallen, where residents first reported dead fish on Sunday morning.",
            "photographer": "Name withheld",
            "organisation": "The Kelmar Courier",
            "scene": "river",
            "seed": 126,
        },
        "body": [
            (
                "paragraph",
                "The first videos appeared on local messaging channels early on Sunday: dead fish, thousands of them, floating belly up in the shallows of the Orla a few kilometres below the town of Sallen. By the afternoon, residents had filmed the same scene along a twenty-kilometre stretch of the river, as far as the bridge at Dorne. Fishermen said they had never seen anything like it. Children were kept away from the river beaches, and several villages stopped drawing water from wells near the bank.",
            ),
            (
                "paragraph",
                "Sallen is home to the Orla Chemical Works, one of Varnia's largest fertiliser producers, which discharges treated wastewater into the river through a pipe a kilometre upstream of the town. Residents said the water near the outlet turned a cloudy green on Saturday evening and smelled of ammonia. The plant, majority-owned by a company registered abroad and linked to a senior figure in the ruling party, has been fined twice in the past decade for illegal discharges.",
            ),
            (
                "quote",
                {
                    "text": "My grandfather fished this river, and my father too. The fish are lying there like a carpet. They say it is the heat. It has been hotter than this before.",
                    "attribution": "A fisherman in the village of Lesno",
                },
            ),
            ("heading", "Samples taken, results not published"),
            (
                "paragraph",
                "The regional environmental inspectorate said on Sunday evening that it had taken water samples and that the preliminary cause was 'low oxygen levels due to high temperatures'. It did not say where the samples were taken or when the results would be available. Independent samples collected by residents have been sent by the Courier to a laboratory abroad; we will publish the results when we receive them.",
            ),
            (
                "paragraph",
                "Environmental data has become hard to obtain in Varnia. Since last year, air and water measurements near industrial sites have been classified as 'information of strategic importance' and removed from public websites. Groups that used to monitor the Orla have been declared foreign agents or closed. The last independent survey of the river, four years ago, found ammonia below the Sallen outlet at up to seven times the legal limit.",
            ),
            (
                "paragraph",
                "Update: on Monday, the regional administration banned swimming and fishing along a forty-kilometre stretch of the Orla 'as a precaution'. The Orla Chemical Works said in a statement that it operates 'in full compliance with environmental standards' and has 'no connection' with the incident. Residents said lorries were seen collecting dead fish from the banks overnight.",
            ),
        ],
        "related": [],
    },
    {
        "slug": "brask-coal-plant-restarted",
        "section": "environment",
        "headline": "A coal plant closed for the climate is back, burning lignite with its filters switched off",
        "standfirst": "The Brask power station was shut six years ago under Varnia's climate commitments. It has been quietly restarted to cover the gas shortage, without the pollution controls it was built with.",
        "authors": ["ivo-kastel", "lena-vasko"],
        "tags": ["energy", "climate"],
        "hours_ago": 330,
        "updated_hours_ago": None,
        "image": {
            "alt": "Flat green farmland under a grey, hazy sky, with a lone tree and a line of distant trees on the horizon.",
            "caption": "Fields outside Brask. On still days, smoke from the power station settles over the valley.",
            "photographer": "Tomas Vell",
            "organisation": "Northgate Pictures",
            "scene": "field",
            "seed": 127,
        },
        "body": [
            (
                "paragraph",
                "When the Brask power station was closed six years ago, the government held a ceremony. The energy minister of the day pressed a button, the turbines slowed, and a banner reading 'Towards a clean future' was unfurled on the cooling tower. The closure, part of Varnia's commitments under an international climate agreement, was meant to be permanent. Since January, the plant's three chimneys have been smoking again.",
            ),
            (
                "paragraph",
                "The restart was never announced. Residents of Brask, a town of 18,000 built around the plant and its lignite mine, noticed the smoke in the first week of January. Former employees were recalled by phone, offered double their old salaries and asked to sign non-disclosure agreements. The Energy Ministry confirmed the restart only in March, in reply to a deputy's written question, calling it 'a temporary measure to guarantee energy security'.",
            ),
            (
                "quote",
                {
                    "text": "They told us it was temporary. The mine has reopened and they are hiring. Nobody reopens a mine for one winter.",
                    "attribution": "A former engineer recalled to the plant in January",
                },
            ),
            ("heading", "Filters off to save money"),
            (
                "paragraph",
                "According to two people who work at the plant, the desulphurisation units installed ten years ago have not been switched back on. Running them would require spare parts now under sanctions, and chemicals the plant cannot afford. Without them, the plant emits several times more sulphur dioxide than the law allows. Local doctors say they have seen a sharp rise in respiratory complaints among children since January, though the regional health department no longer publishes statistics.",
            ),
            (
                "paragraph",
                "Varnia has not formally withdrawn from its climate commitments, but it stopped reporting its emissions to the international secretariat two years ago, and officials now describe climate policy as 'a tool of economic pressure used by hostile states'. Lignite is among the dirtiest fuels there is: an independent energy analyst estimates that Brask alone could add about 4 per cent to Varnia's annual carbon emissions.",
            ),
            (
                "paragraph",
                "In Brask itself, opinion is divided. For many residents, the plant's return has brought back jobs that vanished when it closed. Others have started keeping their windows shut. 'I am glad my son has work,' said a woman who runs a shop near the plant gate. 'I am not glad that my granddaughter coughs all night. Both of those things are true.'",
            ),
        ],
        "related": ["heating-bills-rise-forty-per-cent"],
    },
    {
        "slug": "lune-highlands-winter-without-snow",
        "section": "environment",
        "headline": "A winter without snow in the Lune Highlands",
        "standfirst": "The ski villages that survived the collapse of foreign tourism are now losing their snow, and lift operators, instructors and guesthouse owners are running out of reasons to stay.",
        "authors": ["ivo-kastel"],
        "tags": ["climate", "labour"],
        "hours_ago": 700,
        "updated_hours_ago": None,
        "image": {
            "alt": "Bare mountain ridges receding into haze, without snow, under a pale sky with the sun above the peaks.",
            "caption": "The slopes above Veltin in January. The lifts ran on eleven days this winter.",
            "photographer": "Jonas Reyk",
            "organisation": "Northgate Pictures",
            "scene": "mountains",
            "seed": 128,
        },
        "body": [
            (
                "paragraph",
                "In an ordinary January, the slopes above Veltin would be under a metre and a half of snow, and the village's four lifts would run from eight in the morning until dark. This January, the lifts ran on eleven days. The rest of the time the pistes were strips of brown grass and bare rock, with a ribbon of artificial snow down the middle that melted faster than the machines could make it.",
            ),
            (
                "paragraph",
                "The Lune Highlands have always had uneven winters, but records from the mountain weather station above Veltin, obtained by the Courier from a former employee of the state meteorological service, show a clear trend. Average snow cover in January has fallen by more than a third since the eighties, and the snow season now starts almost three weeks later. Three of the past five winters were the warmest on record in the region.",
            ),
            (
                "quote",
                {
                    "text": "When I started teaching skiing, the question was how much snow there would be. Now the question is whether there will be any. You cannot plan a life around that.",
                    "attribution": "Elias, a ski instructor in Veltin for 22 years",
                },
            ),
            (
                "paragraph",
                "The warming has come at a bad moment. Foreign tourists, who used to fill the Highlands' guesthouses, stopped coming after sanctions ended direct flights and foreign payment cards stopped working in Varnia. Domestic tourists remained, but they have less money, and they want snow. Several guesthouse owners in Veltin told the Courier that winter bookings were less than half what they were five years ago.",
            ),
            ("heading", "The young leave first"),
            (
                "paragraph",
                "The village is ageing fast. Young instructors and lift operators have left for resorts abroad, where seasons are longer and wages are paid in hard currency. The village school has 34 pupils, down from 90 a decade ago. Some residents are adapting, offering hiking, cycling and mushroom-picking tours in summer. Others are selling their houses, often to buyers from Kelmar who visit twice a year.",
            ),
            (
                "paragraph",
                "The regional government has promised money for snow cannons and a new lift. In Veltin, people are sceptical. The last promised lift, announced six years ago, exists only as a concrete foundation on the lower slope, now overgrown with grass. Elias, the instructor, has taken a summer job as a mountain guide and is considering an offer from a resort across the border. 'I will probably go,' he said. 'But I will come back for the snow, if it ever comes back.'",
            ),
        ],
        "related": [],
    },
    {
        "slug": "volunteer-firefighters-on-trial",
        "section": "environment",
        "headline": "They fought the forest fires the state said were under control. Now they are on trial",
        "standfirst": "Five volunteer firefighters are charged with entering a restricted zone and 'spreading false information' after filming fires that officials had played down.",
        "authors": ["ivo-kastel"],
        "tags": ["climate", "courts", "protest"],
        "hours_ago": 1050,
        "updated_hours_ago": None,
        "image": {
            "alt": "Open fields and a band of trees on the horizon under a hazy evening sky.",
            "caption": "Farmland at the edge of the eastern forests, where the fires stopped last August.",
            "photographer": "Elin Marsh",
            "organisation": "The Kelmar Courier",
            "scene": "field",
            "seed": 129,
        },
        "body": [
            (
                "paragraph",
                "Last August, when fires spread through the pine forests east of Dorne, a group of volunteers drove out to help. They had trained for years with equipment bought through crowdfunding, and had worked alongside state firefighters in previous seasons. This time they found roadblocks. The forests had been declared a restricted zone, and official bulletins said the fires were 'localised' and 'under control'. The volunteers went in anyway, along forest tracks, and filmed what they saw.",
            ),
            (
                "paragraph",
                "The videos, posted over four days, showed fire fronts several kilometres long, villages evacuated by their own residents, and no aircraft anywhere. They were viewed millions of times. Satellite data published by a European monitoring service later confirmed that more than 60,000 hectares had burned, roughly ten times the figure given by the Forestry Agency. Two villages were partly destroyed.",
            ),
            (
                "quote",
                {
                    "text": "We did not go there to make a political statement. We went because the forest was burning and nobody was putting it out.",
                    "attribution": "Kira Vesk, one of the five volunteers",
                },
            ),
            ("heading", "Accused of causing panic"),
            (
                "paragraph",
                "In October, five members of the group were arrested and charged with 'unauthorised activity in a restricted zone' and 'knowingly spreading false information about emergencies', offences that together carry up to seven years in prison. Prosecutors say the videos caused 'panic among the population' and 'undermined trust in the emergency services'. The group's equipment, including two fire engines, was confiscated.",
            ),
            (
                "paragraph",
                "The trial opened in a district court in Dorne this month. The public gallery is full every day, mostly with people from the burned villages, several of whom have testified for the defence about how the volunteers helped them save their homes. The prosecution's witnesses include two Forestry Agency officials, who maintained under cross-examination that the fires had been under control throughout.",
            ),
            (
                "paragraph",
                "Forest fires in Varnia are growing larger and more frequent as summers become hotter and drier. Since the Forestry Agency's budget was cut by a third two years ago, much of the work of fighting them has fallen to volunteers. There are now fewer of them. Since the arrests, at least three volunteer groups have disbanded, and their members say they will not go into the forests this summer.",
            ),
        ],
        "related": [],
    },
    {
        "slug": "orla-delta-gas-terminal",
        "section": "environment",
        "headline": "The Orla delta's last wetland is being filled in for a gas terminal",
        "standfirst": "Dredgers have begun work on a liquefied gas terminal at the mouth of the Orla, on land that was a protected reserve and one of the largest bird colonies on the coast until a decree moved its boundary.",
        "authors": ["ivo-kastel"],
        "tags": ["water", "energy"],
        "hours_ago": 1600,
        "updated_hours_ago": None,
        "image": {
            "alt": "Still water in a river delta under a pale sky, reeds in the foreground and a low, wooded shore in the distance.",
            "caption": "Reed beds at the mouth of the Orla, south of Veyport, before construction began.",
            "photographer": "Karin Esk",
            "organisation": "Kestria Press Agency",
            "scene": "river",
            "seed": 130,
        },
        "body": [
            (
                "paragraph",
                "At the mouth of the Orla, south of Veyport, the river used to spread into a maze of reed beds, lagoons and sandbanks before reaching the sea. For birds migrating along the coast it was one of the most important resting places between their northern breeding grounds and Africa, and ornithologists recorded more than 200 species there. Since March, the reed beds nearest the sea have been replaced by a plain of grey sand pumped from the riverbed, and the sound of the dredgers carries for kilometres.",
            ),
            (
                "paragraph",
                "The land is being prepared for a liquefied natural gas terminal, which the government calls essential to 'energy independence' after sanctions disrupted pipeline supplies. Its operator is a joint venture between the state energy company and a private firm whose shareholders are not disclosed. The wetland was a protected reserve until last year, when a government decree cut its boundaries by two-thirds, removing exactly the area where the terminal is now being built.",
            ),
            (
                "quote",
                {
                    "text": "You can move a boundary on a map with a decree. You cannot explain it to the birds.",
                    "attribution": "A retired ornithologist who surveyed the delta for thirty years",
                },
            ),
            ("heading", "An assessment nobody has seen"),
            (
                "paragraph",
                "Varnian law requires an environmental impact assessment for projects of this size, including public consultation. The Courier could find no record of any consultation. The Environment Ministry says the assessment was completed and approved but will not publish it, because the terminal is 'critical infrastructure'. Two scientists asked to contribute said they were given ten days to review several hundred pages, and that their objections did not appear in the final version.",
            ),
            (
                "paragraph",
                "The effects go beyond the birds. Fishermen in the delta villages say dredging has clouded the water and driven away the fish that spawn in the lagoons. Residents worry about their drinking water: several villages rely on shallow wells that could turn salty as the river channel is deepened. The regional water company says it is 'monitoring the situation' but will not share its data.",
            ),
            (
                "paragraph",
                "The environmental groups that might once have challenged the project in court no longer exist in Varnia in any recognisable form. The largest, which ran a bird observatory in the delta for twenty years, was declared 'undesirable' last summer. Its observatory, a wooden hut on stilts at the edge of the reeds, now stands behind the construction fence.",
            ),
        ],
        "related": ["veyport-harbour-without-ships"],
    },
]

PRIVACY_POLICY = [
    ("heading", "The short version"),
    (
        "paragraph",
        "Many of our readers live in a country where reading the Kelmar Courier can get them into trouble. We have built this website so that we know as little about you as possible. We do not use trackers, analytics services or advertising networks. We do not load scripts, fonts or images from other companies' servers, so nobody else learns that you visited us. Our servers do not store your IP address. We only keep personal information that you give us yourself, and only for as long as we need it.",
    ),
    ("heading", "When you read the site"),
    (
        "paragraph",
        "Reading the Courier does not require an account, and we do not build a profile of what you read. The only cookies the site sets are those strictly needed to submit a form securely, such as the newsletter sign-up; they contain no information about you and are not used to recognise you later. Our web server keeps short technical logs to help us fix errors and resist attacks, and these logs are configured not to record IP addresses. If you read us from inside Varnia, we still recommend using a VPN or the Tor Browser, because your internet provider can see which sites you connect to even though we cannot see who you are.",
    ),
    ("heading", "Newsletter"),
    (
        "paragraph",
        "If you sign up for our weekly newsletter, we store your email address, the date you signed up and the date you confirmed. We use double opt-in: after you enter your address, we send you an email with a confirmation link, and you receive nothing else until you click it. Sign-ups that are not confirmed within seven days are deleted automatically. Every newsletter contains a link to unsubscribe with one click. When you unsubscribe, we delete your address rather than keeping it on a list.",
    ),
    (
        "paragraph",
        "We send the newsletter ourselves. We do not use tracking pixels or rewrite links to count who opened an email or clicked on a story, and we never share, sell or rent our subscriber list to anyone.",
    ),
    ("heading", "Donations"),
    (
        "paragraph",
        "Donations are processed by a payment provider. Your card or bank details are entered on the provider's pages and never reach our servers. For each donation, our own records contain only your email address, the amount and currency, the date, whether it is a one-off or monthly gift, and the reference the payment provider gives the transaction, which we need to issue receipts, answer questions and stop a recurring donation if you ask. We do not store your name, postal address or card number. The payment provider processes your payment under its own privacy policy, which it shows you before you pay.",
    ),
    (
        "paragraph",
        "We keep donation records for as long as the accounting law of the country where we are registered requires us to keep financial records, and then delete them. If you cancel a monthly donation, we stop charging you immediately, and we keep only the records of payments already made.",
    ),
    ("heading", "Your rights and how to use them"),
    (
        "paragraph",
        "You can ask us at any time what information we hold about you, ask us to correct it, or ask us to delete it. Write to privacy@kelmar-courier.example from the email address concerned, so that we can be sure the request comes from you. We will answer within thirty days, and usually much sooner. Where the law obliges us to keep a donation record, we will tell you so and delete it as soon as that obligation ends.",
    ),
    (
        "paragraph",
        "We will never hand information about our readers, subscribers or donors to the Varnian authorities, whatever they ask and however they ask it. If we ever change this policy, we will publish the new version on this page with the date of the change, and tell newsletter subscribers about any change that affects them.",
    ),
]

ABOUT_PAGE = [
    (
        "paragraph",
        "The Kelmar Courier was founded in a two-room office in Kelmar by a group of reporters who believed that Varnia deserved a newspaper that answered to its readers rather than to its government. For years we covered the Assembly, the courts, the economy and the lives of ordinary people, and we published the investigations that others would not. We made enemies, as independent newspapers do, and we kept going.",
    ),
    (
        "paragraph",
        "Two years ago, after the emergency was declared, the authorities blocked our website, sealed our office and declared the Courier an 'undesirable organisation'. Most of our staff left the country within weeks, some with a single suitcase. Today the newsroom works from Aldenburg, in neighbouring Kestria, and from wherever our reporters have found safety. Some of our colleagues still work inside Varnia. They write under pseudonyms or without bylines, and we protect their identities without exception.",
    ),
    (
        "paragraph",
        "Our standards have not changed with our address. We verify every fact before we publish it, we give the people we write about the chance to respond, and we correct our mistakes openly, at the foot of the article concerned. We do not take money from governments, political parties or anyone who expects to influence what we write. When we rely on anonymous sources, it is because naming them would put them in danger, and the editors always know who they are.",
    ),
    (
        "paragraph",
        "The Courier is paid for by its readers. Thousands of people, in Varnia and across the diaspora, support us with small monthly donations, and they are the reason we still exist. Our website is built to protect them: it carries no advertising and no trackers, and it is designed to be readable on slow connections and through the tools our readers use to get around the censorship at home.",
    ),
]

# The "Contact us securely" page. Example channels only: the onion address is well formed but
# leads nowhere, and the fingerprint is made up (the key file is optional, so none is offered).
SECURE_CONTACT = {
    "title": "Contact us securely",
    "slug": "contact-securely",
    "intro": (
        "If you have documents or information about wrongdoing in Varnia, we want to hear from "
        "you. We protect our sources: we have never revealed one, and we never will. Read the "
        "advice below before you write to us, and choose the safest way you can use."
    ),
    "onion_service_name": "SecureDrop",
    "onion_address": "kelmarcourierdropexampleaddressforthedemoonlyabcdefgh234.onion",
    "signal_username": "kelmarcourier.01",
    "pgp_email": "tips@kelmar-courier.example",
    "pgp_fingerprint": "3A1F 9C42 7D0B E815 6C2A  94F7 0B3D 5E61 C8A9 2F47",
    "postal_address": "The Kelmar Courier\nPostfach 14 02 33\n10119 Aldenburg",
}
