"""Closed word lists of the spacing rules (NL2xx): small, hand-written, cheap to import.

The large open lists (word frequencies) live in data/spacing_lexicon.txt and are
loaded lazily by ``_spacing_lexicon``. Everything here is lowercase unless said.
"""

from __future__ import annotations

# Function words that glue to the word after them ("wouldface", "agroup", "ofthe").
# Closed-class words, auxiliaries and "said" (the commonest verb in news); pronouns
# like "me", "us", "am" and short words such as "its", "nor", "per" are left out:
# they end too many names (Hadits, Meltus, Amdec).
PREFIX_GLUE = frozenset("""
a the of in on at by to for from with into and or but that this these those which who
is are was were be been has have had will would can could should may might must
it they we he she you his their our not said says as than about
it's we've we're they've they're i've i'm he's she's there's that's
""".split())

# Function words that glue to the word before them ("lungsof", "Sundaythat", "exportersthat").
# "a" and "an" are left out (Tigera, Iranan, Factoran are names).
SUFFIX_GLUE = frozenset("""
the of in on at by to for from with into and or but that this which who whom
is are was were be been has have had will would can could said says as it he she they we
his her their about after before more than because while when also not
against between through during without within among under
isn't wasn't aren't weren't don't doesn't didn't can't won't hasn't haven't hadn't couldn't wouldn't
""".split())

# The two-letter ones that really glue ("ofconcern", "torecommend", "itisn't"; not "weblogger").
SHORT_PREFIX_GLUE = frozenset("of in on to at by as is it an".split())
# Two-letter function words glued after a word of 5+ letters ("lungsof", "Garrettin", "studyby");
# "as", "or", "is", "it", "he", "we" end too many names and foreign words (Electricas, Zincor).
SHORT_SUFFIX_GLUE = frozenset("of in on to at by".split())
# Function words that start a glued Title-case token at a sentence start ("Theydemonstrated");
# modals and auxiliaries are left out (Canterra, Hadson, Willard).
TITLE_PREFIX_GLUE = frozenset("""
the they this that these those it he she we in on at for from with and but as after when while
there their his her our
""".split())

# Function words that end many names: "Jugnot", "Krisher", "Greenwhich".
NAME_ENDINGS = frozenset("not her his which who can are more".split())

# Irregular past forms that follow a name in glued credits ("Howittbecame").
IRREGULAR_PAST = frozenset("""
became began told said found made took gave wrote went came saw knew left led won lost held kept
met ran sent spent brought bought thought taught built felt
""".split())
# Irregular participles that start a glued phrase ("seenprice").
PARTICIPLES = frozenset("seen been done gone taken given known shown grown drawn".split())

# Function words that may start a glued pair as a two-letter lowercase left part ("ofStephen",
# "asPseudomonas", "onWired.com"); "my", "we", "go", "do", "be", "up" are left out because
# brands use them (myHeritage, weWork, goPro, doTERRA, beIN, upGrad).
LOWER_LEFT_GLUE = frozenset("of in on at by to as is an or".split())

# Capitalised words that start a sentence or clause; a Title-case part glued after another
# word ("AmazonThe", "SherlockAt", "treatmentWhile") is glue when it is one of these.
SENTENCE_STARTERS = frozenset("""
The A An This That These Those There Their They Then Thus Its It It's I We You He She His Her Our My Your
In On At By To For From With Of As After Before When While Where Why How What Who Which If Although
Though But And Or So Yet Because Since Despite During Under Over About Among Meanwhile However
Instead Still Also Even Some Many Most More All Each Every No Not Now Here Today Yesterday Tomorrow
According Read Click Sign Share Follow Subscribe Related Advertisement Copyright Photo Image Video Watch
""".split())

# Sentence starters that brands also end with (MoveOn, LinkedIn-like names, ShareNow): only
# generic camel case (in glued documents or strict mode) considers them.
STARTERS_BRANDS_USE = frozenset("""
On In It All Now Here More Some Many Most Each Every No Not Today Still Also Even Read Sign Share Click
Follow Photo Image Video Watch Related Subscribe
""".split())

# Left parts that mean the glue is a credit or a preposition ("ByLouis", "OfStephen").
GLUE_LEFT_TITLE = frozenset("By Of And From With".split())

MONTHS = frozenset("""
January February March April June July August September October November December
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
""".split())  # "May" is left out: it is also a name and a modal verb.
WEEKDAYS = frozenset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())

# Title-case prefixes of surnames and names: McConnell, MacArthur, DeSantis, DiCaprio, LaGuardia,
# LeBron, VanDyke, VonDrehle, StClair, DuBois, DaSilva, DelBene, FitzGerald, BenAri, AlQaeda.
NAME_PREFIXES = frozenset("""
Mc Mac De Di Da Du Del Della Des Le La Las Los Lo Van Vander Von St Ste Fitz Ben Bin Al El Abu
Ter Ten Ver O D L
""".split())

# Word prefixes that make legitimate closed compounds ("postpandemic", "antivaxxer").
COMPOUND_PREFIXES = frozenset("""
anti non pre post re co counter over under out up down back super sub inter intra multi mid semi
self cyber mega micro macro mini ultra extra hyper neo pro bio eco geo tele auto photo after
""".split())

# ALL-CAPS suffixes of legitimate lower+UPPER names: macOS, watchOS, mySQL, microRNA, webOS.
TECH_CAPS = frozenset("""
OS SQL RNA DNA TV PC DB ID AI XL HD TM IP IO UI UX VR AR PS SE GT ML NFT EV
""".split())

# File-name extensions and top-level domains: "report.PDF", "Wired.com", "PanARMENIAN.Net".
EXTENSIONS = frozenset("""
com org net edu gov mil int info biz io co uk us ca au in de fr es it nl ru cn jp tv me ly ai app news
online site web html htm php asp aspx jsp pdf doc docx xls xlsx ppt pptx txt csv json xml jpg jpeg png
gif svg mp3 mp4 mov avi wav zip exe js py
""".split())

# Stock exchanges of ticker forms "(NYSE:CVX)", "TSX:ENB".
EXCHANGES = frozenset("""
NYSE NASDAQ Nasdaq AMEX TSX TSXV LSE ASX NSE BSE HKEX SGX OTC OTCQB OTCQX FRA ETR EPA XETRA NYSEARCA
CSE TYO KRX SSE SZSE JSE BMV
""".split())

# Publications whose name is often glued to a slogan or the next paragraph
# ("The Washington PostDemocracy Dies in Darkness"); users add more with `mastheads`.
MASTHEADS = (
    "The Washington Post", "Washington Post", "The New York Times", "New York Times",
    "The Wall Street Journal", "Wall Street Journal", "Associated Press", "Reuters", "Bloomberg",
    "The Guardian", "The Telegraph", "The Independent", "Financial Times", "Los Angeles Times",
    "USA Today", "The Atlantic", "The Economist", "Politico", "Axios", "The Hill", "HuffPost",
    "BuzzFeed News", "Daily Mail", "The Times", "Al Jazeera", "Sky News", "BBC News", "CBC News",
    "Fox News", "NBC News", "CBS News", "ABC News", "The Globe and Mail", "Toronto Star",
    "National Post", "Chicago Tribune", "Boston Globe", "Newsweek", "Business Insider",
    "The Hindu", "Times of India", "Hindustan Times", "Indian Express", "Deccan Herald",
    "Straits Times", "South China Morning Post", "Sydney Morning Herald", "The Irish Times",
    "Agence France-Presse", "Press Association", "Deutsche Welle", "Xinhua", "Yonhap",
)

# Boilerplate labels that scrapers glue to the word before them ("policyCopyright",
# "WashingtonEditing by"); a Title-case part that is one of these ends the text before it.
BOILERPLATE_PARTS = frozenset("Copyright Advertisement Disclaimer".split())
# Credit labels, glue only when "by" follows: "WashingtonEditing by".
CREDIT_PARTS = frozenset("Editing Reporting Writing Compiled Additional".split())
