"""The demo clinic's people, records and words, as plain data (no database here; see seed.py).

Everything is dated relative to "today" so the demo always looks current. Each patient has a
timeline of named dates (days from today, negative = past); draws, notes, messages and bills
point at those names, so a note written "2 days after draw 4" stays 2 days after it whatever the
calendar does. seed.py turns the names into real dates (moving clinic days off weekends).

Note texts and messages may use these placeholders, filled in by seed.py for every timeline name
`x`: {x} 03/14/2025, {x_md} 3/14, {x_long} March 14, 2025, {x_month} March, {x_time} 9:30 AM.

The notes are written the way US clinicians write (abbreviations, negations, numbered plans)
on purpose: they are the test material for the plain-language simplifier and the translator.
The numbers quoted in notes and messages match the lab values in the draws.
"""
from __future__ import annotations

from dataclasses import dataclass, field

CLINIC = "Community Health Clinic"
CLINIC_LOCATION = "Community Health Clinic, 250 Main Street, Suite 200"
DR_SHAH = "Anita Shah, MD"
PA_TRAN = "Michael Tran, PA-C"
RN_WHITFIELD = "Karen Whitfield, RN"


# ---------------------------------------------------------------------------------------------
# Shapes


@dataclass(frozen=True)
class DemoLogin:
    """A sign-in the CLI prints. role is the Role value as text ("patient", "staff"...)."""
    role: str
    login: str
    password: str
    display_name: str
    description: str


@dataclass(frozen=True)
class On:
    """A moment: `days` after the timeline date `anchor` ("today" is always there), at local `time`."""
    anchor: str = "today"
    days: int = 0
    time: str = "09:00"


@dataclass(frozen=True)
class Test:
    """A lab test or vital sign as the lab reports it. Ranges are text so they stay exact decimals."""
    loinc: str
    name: str
    unit: str | None
    low: str | None = None
    high: str | None = None
    # Sex-specific lab ranges (low, high), used instead of low/high for that sex.
    female: tuple[str | None, str | None] | None = None
    # "lab" for lab ranges; "portal" for the general adult ranges we give vital signs.
    range_source: str | None = "lab"


@dataclass(frozen=True)
class Draw:
    """One blood draw or visit: every result in it shares the date (and so one day on the page)."""
    anchor: str
    time: str
    panels: tuple[tuple[str, dict[str, float]], ...]


@dataclass(frozen=True)
class Note:
    key: str
    kind: str
    author: str
    on: On
    text: str


@dataclass(frozen=True)
class Med:
    key: str
    name: str
    dose_quantity: str
    dose_unit: str
    route: str
    times_per_day: int | None
    as_needed: bool
    instructions: str
    prescriber: str
    started: On
    refills_left: int | None


@dataclass(frozen=True)
class Appt:
    key: str
    on: On
    minutes: int
    kind: str  # "in_person" or "video"
    clinician: str | None
    reason: str
    status: str = "booked"
    location: str | None = None
    video_url: str | None = None


@dataclass(frozen=True)
class Bill:
    number: str
    service: On
    description: str
    amount_cents: int
    paid_cents: int
    due: On
    status: str


@dataclass(frozen=True)
class Msg:
    """author: "patient" or a staff login. read: whether the other side has opened it."""
    author: str
    on: On
    language: str
    body: str
    read: bool = True


@dataclass(frozen=True)
class Thread:
    key: str
    topic: str
    subject: str
    messages: tuple[Msg, ...]
    status: str = "open"


@dataclass(frozen=True)
class StaffSpec:
    login: str
    password: str
    role: str
    display_name: str
    language: str
    description: str
    helper_kind: str | None = None  # for role "chw": HelperKind value, "chw" or "caregiver"


@dataclass(frozen=True)
class PatientSpec:
    fhir_id: str
    given_name: str
    family_name: str
    # Age today; seed.py sets a birth date ~10 months before the last birthday, so the age
    # written in every note of the last 9 months is right.
    age: int
    sex: str  # "F" or "M": picks sex-specific lab ranges (the Patient model has no such field)
    language: str
    login: str
    password: str
    reading_level: str
    description: str
    timeline: dict[str, int]
    draws: tuple[Draw, ...]
    notes: tuple[Note, ...]
    medications: tuple[Med, ...]
    appointments: tuple[Appt, ...]
    invoices: tuple[Bill, ...]
    threads: tuple[Thread, ...] = field(default=())


@dataclass(frozen=True)
class GrantSpec:
    patient: str  # Patient fhir_id
    grantee: str  # User login
    scopes: str
    granted: On
    expires_in_days: int


# ---------------------------------------------------------------------------------------------
# Tests: real LOINC codes, with reference ranges as a typical US reference lab prints them.
# Ranges are stored as the highest/lowest normal value at the reported precision, so "<100"
# becomes high 99 and a result of 100 is flagged H.

TESTS: dict[str, Test] = {
    "a1c": Test("4548-4", "Hemoglobin A1c", "%", high="5.6"),
    "glucose": Test("2345-7", "Glucose", "mg/dL", "65", "99"),
    "bun": Test("3094-0", "Urea nitrogen (BUN)", "mg/dL", "7", "25"),
    "creatinine": Test("2160-0", "Creatinine", "mg/dL", "0.70", "1.30", female=("0.50", "1.05")),
    "egfr": Test("62238-1", "eGFR (CKD-EPI)", "mL/min/1.73m2", low="60"),
    "sodium": Test("2951-2", "Sodium", "mmol/L", "135", "146"),
    "potassium": Test("2823-3", "Potassium", "mmol/L", "3.5", "5.3"),
    "chloride": Test("2075-0", "Chloride", "mmol/L", "98", "110"),
    "co2": Test("2028-9", "Carbon dioxide (CO2)", "mmol/L", "20", "32"),
    "calcium": Test("17861-6", "Calcium", "mg/dL", "8.6", "10.3"),
    "cholesterol": Test("2093-3", "Total cholesterol", "mg/dL", high="199"),
    "triglycerides": Test("2571-8", "Triglycerides", "mg/dL", high="149"),
    "hdl": Test("2085-9", "HDL cholesterol", "mg/dL", low="40", female=("50", None)),
    "ldl": Test("13457-7", "LDL cholesterol (calculated)", "mg/dL", high="99"),
    "alt": Test("1742-6", "ALT", "U/L", "9", "46", female=("6", "29")),
    "tsh": Test("3016-3", "TSH", "mIU/L", "0.40", "4.50"),
    "vitamin_d": Test("62292-8", "Vitamin D, 25-hydroxy", "ng/mL", "30", "100"),
    "uacr": Test("9318-7", "Albumin/creatinine ratio, urine", "mg/g creat", high="29"),
    "wbc": Test("6690-2", "White blood cells (WBC)", "10*3/uL", "3.8", "10.8"),
    "hemoglobin": Test("718-7", "Hemoglobin", "g/dL", "13.2", "17.1", female=("11.7", "15.5")),
    "hematocrit": Test("4544-3", "Hematocrit", "%", "38.5", "50.0", female=("35.0", "45.0")),
    "mcv": Test("787-2", "MCV", "fL", "80", "100"),
    "platelets": Test("777-3", "Platelets", "10*3/uL", "140", "400"),
    "ferritin": Test("2276-4", "Ferritin", "ng/mL", "24", "380", female=("16", "288")),
    # Vital signs have no lab range; these are general adult ranges (BP per ACC/AHA: normal is
    # below 130/80, so 130 or 80 shows as high).
    "systolic": Test("8480-6", "Systolic blood pressure", "mmHg", "90", "129", range_source="portal"),
    "diastolic": Test("8462-4", "Diastolic blood pressure", "mmHg", "60", "79", range_source="portal"),
    "pulse": Test("8867-4", "Heart rate", "beats/min", "60", "100", range_source="portal"),
    "weight": Test("29463-7", "Body weight", "lb", range_source=None),
    "bmi": Test("39156-5", "Body mass index (BMI)", "kg/m2", "18.5", "24.9", range_source="portal"),
}


def bmp(glucose, bun, creatinine, egfr, sodium, potassium, chloride, co2, calcium):
    return ("Basic metabolic panel", dict(
        glucose=glucose, bun=bun, creatinine=creatinine, egfr=egfr, sodium=sodium,
        potassium=potassium, chloride=chloride, co2=co2, calcium=calcium))


def lipids(cholesterol, triglycerides, hdl, ldl):
    # LDL is calculated (Friedewald: total - HDL - TG/5), and the numbers below agree with it.
    return ("Lipid panel", dict(cholesterol=cholesterol, triglycerides=triglycerides, hdl=hdl, ldl=ldl))


def cbc(wbc, hemoglobin, hematocrit, mcv, platelets):
    return ("Complete blood count", dict(
        wbc=wbc, hemoglobin=hemoglobin, hematocrit=hematocrit, mcv=mcv, platelets=platelets))


def vitals(systolic, diastolic, pulse, weight=None, bmi=None):
    values = dict(systolic=systolic, diastolic=diastolic, pulse=pulse, weight=weight, bmi=bmi)
    return ("Vital signs", {k: v for k, v in values.items() if v is not None})


def a1c(value):
    return ("Hemoglobin A1c", {"a1c": value})


def alt(value):
    return ("ALT (SGPT)", {"alt": value})


def tsh(value):
    return ("TSH", {"tsh": value})


def vitamin_d(value):
    return ("Vitamin D, 25-hydroxy", {"vitamin_d": value})


def uacr(value):
    return ("Albumin/creatinine ratio, random urine", {"uacr": value})


def ferritin(value):
    return ("Ferritin", {"ferritin": value})


# ---------------------------------------------------------------------------------------------
# Staff

STAFF: tuple[StaffSpec, ...] = (
    StaffSpec("staff@demo.clinic", "staff-demo-pass", "staff", RN_WHITFIELD, "en",
              "Nurse: sees every patient, answers messages."),
    StaffSpec("admin@demo.clinic", "admin-demo-pass", "admin", "Sam Okafor", "en",
              "Clinic administrator."),
    StaffSpec("chw@demo.clinic", "chw-demo-pass", "chw", "Rosa Delgado, CHW", "es",
              "Community health worker (Spanish); Lucía Hernández lets her help with her record.",
              helper_kind="chw"),
)


# ---------------------------------------------------------------------------------------------
# Patient 1: James Carter. English. Type 2 diabetes and high blood pressure.
# Story: A1c 9.1% nine months ago; metformin and lisinopril went up and atorvastatin started,
# empagliflozin was added three months ago; A1c drifts down to 7.0%, BP to 128/78, weight
# down 12 lb, urine albumin back to normal.

_JAMES_NOTE_NURSE = """NURSE VISIT - BP CHECK
Provider: Karen Whitfield, RN

S: Pt here for BP check 4 wks after lisinopril increased from 10 mg to 20 mg daily (per Dr. Shah {draw1_md}). Also here for BMP.
Pt reports taking lisinopril 20 mg q.d. in AM, no missed doses. Metformin was increased to 1000 mg PO BID at the same visit - c/o loose stools x 2 wks since the increase, 2-3x/day, no blood, no abd pain, no fever. Has been taking metformin before breakfast on an empty stomach.
Denies dizziness, lightheadedness, dry cough, lip or tongue swelling. Denies chest pain, SOB, HA, vision changes.

O: BP 142/90 L arm seated after 5 min rest, repeat 140/88. HR 78. Wt 221.6 lb.
Home BP log (pt brought meter): avg 138/86 over past 2 wks.

A/P:
1. HTN - improving on lisinopril 20 mg, not yet at goal <130/80.
2. GI upset w/ metformin dose increase.
BMP drawn today, results routed to Dr. Shah.
Per Dr. Shah (verbal order): cont lisinopril 20 mg daily, recheck BP at 3-mo visit. Cont metformin 1000 mg BID, take w/ meals. If GI sx persist > 2 more wks, call clinic - will consider switch to metformin ER.
Reviewed low-sodium diet handout. Pt verbalized understanding. F/u as scheduled.
"""

_JAMES_NOTE_VISIT4 = """PROGRESS NOTE - ESTABLISHED PATIENT
Provider: Anita Shah, MD
Date of service: {draw4}

CHIEF COMPLAINT: f/u DM2, HTN

SUBJECTIVE/HPI:
58 y/o M w/ h/o T2DM (dx 2019), HTN, HLD, obesity here for 3-mo f/u. On {draw1} metformin was increased to 1000 mg PO BID, lisinopril to 20 mg daily and atorvastatin 40 mg daily was started. Had loose stools x ~3 wks after the metformin increase, resolved once he started taking it w/ meals. Reports good adherence, misses evening metformin dose ~1x/wk. Checks FSBG 3-4x/wk: fasting 130s-150s, no readings <70. Walking 20 min most days, cut back on soda.
Denies polyuria, polydipsia, blurred vision. Denies chest pain, SOB, palpitations, LE edema. No numbness or tingling in feet. No hypoglycemic sx.
Home BP log: mostly 130s/80s.

MEDICATIONS:
1. metformin 1000 mg PO BID w/ meals
2. lisinopril 20 mg PO daily
3. atorvastatin 40 mg PO daily

ALLERGIES: NKDA

SOCIAL: Never smoker. EtOH 1-2 beers/wk. Works as a bus driver.

OBJECTIVE:
Vitals: BP 132/82, HR 76, T 98.4 F, RR 16, SpO2 98% RA, Wt 214.7 lb, BMI 31.7
Gen: well-appearing, NAD
CV: RRR, no m/r/g
Lungs: CTAB, no wheezes or crackles
Ext: no edema
Feet: skin intact, no ulcers or calluses, monofilament sensation intact bilat, DP pulses 2+ bilat

Labs today: A1c 7.6% (8.2% on {draw3_md}, 9.1% on {draw1_md}). Glucose 138. Lipids: TC 176, LDL 94, HDL 41, TG 205. Cr 1.01, eGFR 82, K 4.6. ALT 38. UACR 31 mg/g (was 42).

ASSESSMENT AND PLAN:
58 y/o M w/ T2DM, HTN, HLD, obesity - improving but not yet at goal.

1. T2DM w/ hyperglycemia, improving. A1c 7.6%, goal <7%. Tolerating metformin. Persistent mildly increased albuminuria (UACR 31).
   - Start empagliflozin 10 mg PO daily qAM (glycemic control + renal/CV protection).
   - Counseled on genital yeast infection risk, hydration, sick-day rule: hold empagliflozin if vomiting or unable to eat/drink.
   - Cont metformin 1000 mg PO BID w/ meals.
   - Referral to diabetes education (RD/CDCES).
   - Repeat A1c, BMP, UACR in 3 mo.
2. HTN - improved, BP 132/82, goal <130/80. Cont lisinopril 20 mg daily. Empagliflozin may lower BP slightly. Cont home BP log.
3. HLD - LDL 94 on atorvastatin 40 mg, at goal <100. TG 205 elevated, likely related to glycemic control and diet; dietary counseling given. Cont atorvastatin.
4. Obesity, BMI 31.7 - down 8 lb since {draw1_md}. Encouraged walking 30 min 5x/wk.
5. Health maintenance: diabetic eye exam overdue - referral for retinal photo placed.

RTC 3 mo w/ labs, sooner PRN. Pt verbalized understanding and agrees w/ plan.
"""

_JAMES_NOTE_VISIT5 = """PROGRESS NOTE
Provider: Anita Shah, MD

SUBJECTIVE:
Pt is a 58 y/o M w/ T2DM, HTN, HLD presenting for 3-mo f/u after starting empagliflozin 10 mg daily on {draw4_md}. Tolerating well; no dysuria, no genital itching, no dizziness. Fasting sugars now 110s-130s per meter log, no lows. Walking 30 min 5x/wk, lost 3.5 lb since last visit.
c/o mild L knee pain after long walks x 1 mo, relieved w/ rest; using acetaminophen PRN w/ relief. No swelling, no locking, no trauma.
Denies chest pain, SOB, orthopnea, LE swelling. Denies polyuria/polydipsia.

Meds: metformin 1000 mg PO BID, empagliflozin 10 mg PO q.d., lisinopril 20 mg PO q.d., atorvastatin 40 mg PO q.d.
NKDA

OBJECTIVE:
BP 128/78, HR 72, T 98.2 F, RR 14, SpO2 98% RA, Wt 211.2 lb, BMI 31.2
Gen: NAD. CV: RRR, no murmurs. Lungs: CTAB.
L knee: no effusion, mild crepitus, full ROM, no joint line tenderness, ligaments stable.
Ext: no edema.

Labs drawn today, pending at time of visit.

A/P:
1. T2DM - improving; A1c 7.6% on {draw4_md}, today's A1c pending. Cont metformin 1000 mg PO BID, empagliflozin 10 mg PO daily. Diabetes education video visit scheduled.
2. HTN - at goal today (128/78). Cont lisinopril 20 mg daily.
3. HLD - LDL 94 on {draw4_md}. Cont atorvastatin 40 mg daily. Repeat lipid panel at next visit.
4. L knee pain - likely early OA. Acetaminophen 500-1000 mg PO q6h PRN, max 3 g/day. Limit NSAIDs. Quad strengthening exercises handout given. Return if swelling or worsening pain.
5. Diabetic eye exam scheduled ({eye_md}).

RTC 3 mo w/ fasting labs 1 wk prior. Will send lab results via portal.
"""

_JAMES_LETTER = """LAB RESULTS LETTER

Dear Mr. Carter,

I have reviewed your lab results from {draw5_long}.

- Hemoglobin A1c: 7.0%. This is down from 7.6% in {draw4_month} and 9.1% in {draw1_month}. Your diabetes control keeps getting better and you are very close to our goal of less than 7%.
- Fasting glucose: 128 mg/dL. Slightly above the normal range, which is expected with diabetes.
- Kidney function: creatinine 0.99 mg/dL and eGFR 84. Both are normal.
- Urine albumin/creatinine ratio: 24 mg/g. This is now normal (it was 31). Empagliflozin helps protect the kidneys.
- Potassium 4.5 and sodium 140: normal.

No changes to your medicines. Please keep taking metformin 1000 mg twice a day with meals, empagliflozin 10 mg every morning, lisinopril 20 mg once a day and atorvastatin 40 mg once a day.

Please have fasting labs done 1 week before your next visit in 3 months. Call us at (555) 010-0100 or send a message through the portal if you have questions.

Sincerely,
Anita Shah, MD
Community Health Clinic
"""

JAMES = PatientSpec(
    fhir_id="demo-patient-1",
    given_name="James",
    family_name="Carter",
    age=58,
    sex="M",
    language="en",
    login="james@demo.clinic",
    password="james-demo-pass",
    reading_level="standard",
    description="Patient, English: type 2 diabetes and high blood pressure; new results and an unread message.",
    timeline={
        "draw1": -266, "draw2": -238, "draw3": -182, "draw4": -98, "draw5": -8,
        "eye_question": -19,
        "education": 6, "eye": 20,
    },
    draws=(
        Draw("draw1", "08:20", (
            a1c(9.1),
            bmp(glucose=186, bun=16, creatinine=0.98, egfr=85, sodium=139, potassium=4.4, chloride=101, co2=25, calcium=9.4),
            lipids(cholesterol=214, triglycerides=221, hdl=38, ldl=132),
            alt(34), tsh(2.10), uacr(42),
            vitals(152, 94, 82, weight=223.0, bmi=32.9),
        )),
        Draw("draw2", "09:10", (
            bmp(glucose=158, bun=18, creatinine=1.04, egfr=79, sodium=138, potassium=4.7, chloride=102, co2=24, calcium=9.3),
            vitals(140, 88, 78, weight=221.6, bmi=32.7),
        )),
        Draw("draw3", "08:15", (
            a1c(8.2),
            bmp(glucose=151, bun=17, creatinine=1.00, egfr=83, sodium=140, potassium=4.5, chloride=103, co2=26, calcium=9.5),
            vitals(136, 84, 76, weight=218.2, bmi=32.2),
        )),
        Draw("draw4", "08:30", (
            a1c(7.6),
            bmp(glucose=138, bun=17, creatinine=1.01, egfr=82, sodium=139, potassium=4.6, chloride=102, co2=25, calcium=9.4),
            lipids(cholesterol=176, triglycerides=205, hdl=41, ldl=94),
            alt(38), uacr(31),
            vitals(132, 82, 76, weight=214.7, bmi=31.7),
        )),
        Draw("draw5", "08:10", (
            a1c(7.0),
            bmp(glucose=128, bun=19, creatinine=0.99, egfr=84, sodium=140, potassium=4.5, chloride=103, co2=25, calcium=9.5),
            uacr(24),
            vitals(128, 78, 72, weight=211.2, bmi=31.2),
        )),
    ),
    notes=(
        Note("note-1", "Nurse note", RN_WHITFIELD, On("draw2", 0, "11:20"), _JAMES_NOTE_NURSE),
        Note("note-2", "Progress note", DR_SHAH, On("draw4", 0, "16:40"), _JAMES_NOTE_VISIT4),
        Note("note-3", "Progress note", DR_SHAH, On("draw5", 0, "17:05"), _JAMES_NOTE_VISIT5),
        Note("note-4", "Lab results letter", DR_SHAH, On("draw5", 2, "12:30"), _JAMES_LETTER),
    ),
    medications=(
        Med("metformin", "Metformin 1000 mg tablet", "1", "tablet", "oral", 2, False,
            "Take 1 tablet (1000 mg) by mouth twice daily with meals.", DR_SHAH, On("draw1"), 3),
        Med("lisinopril", "Lisinopril 20 mg tablet", "1", "tablet", "oral", 1, False,
            "Take 1 tablet (20 mg) by mouth once daily.", DR_SHAH, On("draw1"), 0),
        Med("atorvastatin", "Atorvastatin 40 mg tablet", "1", "tablet", "oral", 1, False,
            "Take 1 tablet (40 mg) by mouth once daily.", DR_SHAH, On("draw1"), 3),
        Med("empagliflozin", "Empagliflozin (Jardiance) 10 mg tablet", "1", "tablet", "oral", 1, False,
            "Take 1 tablet (10 mg) by mouth every morning. Hold if vomiting or unable to eat or drink.",
            DR_SHAH, On("draw4"), 2),
    ),
    appointments=(
        Appt("appt-visit5", On("draw5", 0, "09:00"), 30, "in_person", DR_SHAH,
             "Diabetes and blood pressure follow-up", status="fulfilled", location=CLINIC_LOCATION),
        Appt("appt-education", On("education", 0, "14:00"), 30, "video", "Priya Nair, RD, CDCES",
             "Diabetes education: meal planning", video_url="https://video.demo.clinic/room/jc-4f7k2q"),
        Appt("appt-eye", On("eye", 0, "09:30"), 20, "in_person", None,
             "Diabetic eye exam (retinal photo)",
             location="Community Health Clinic, 250 Main Street, 2nd floor, Room 210"),
    ),
    invoices=(
        Bill("DEMO-1001", On("draw4"), "Office visit and lab tests (A1c, lipid panel, metabolic panel, urine albumin)",
             6500, 6500, On("draw4", 30), "paid"),
        Bill("DEMO-1002", On("draw5"), "Office visit and lab tests (A1c, metabolic panel, urine albumin)",
             7200, 0, On("draw5", 30), "open"),
    ),
    threads=(
        Thread("eye-exam", "appointment", "Eye exam question", (
            Msg("patient", On("eye_question", 0, "19:40"), "en",
                "Hi, I got a reminder about a diabetic eye exam. Do I have to go to an eye doctor "
                "somewhere else? And will they put drops in my eyes? I need to know if someone has "
                "to drive me.\n\nThanks,\nJames"),
            Msg("staff@demo.clinic", On("eye_question", 1, "09:05"), "en",
                "Hi Mr. Carter,\n\nThe eye exam is here at our clinic, 2nd floor, Room 210. We take a "
                "photo of the back of your eyes with a special camera. Most of the time no drops are "
                "needed, so you can drive yourself. If the photo is not clear we may use drops, so "
                "bringing sunglasses is a good idea.\n\nYour appointment is on {eye_long} at "
                "{eye_time}. It takes about 15 minutes.\n\nKaren Whitfield, RN"),
        )),
        Thread("results", "results", "Your lab results are back", (
            Msg("staff@demo.clinic", On("draw5", 2, "13:15"), "en",
                "Hi Mr. Carter,\n\nYour lab results from {draw5_long} are back. Dr. Shah reviewed "
                "them and wrote you a letter; you can read it under Notes. Good news: your A1c is "
                "down to 7.0%.\n\nPlease keep taking your medicines the same way. Send us a message "
                "if you have any questions.\n\nKaren Whitfield, RN",
                read=False),
        )),
    ),
)


# ---------------------------------------------------------------------------------------------
# Patient 2: Lucía Hernández. Spanish. High cholesterol and prediabetes.
# Story: LDL 178 found at a health fair; atorvastatin and vitamin D started; brief leg aches
# and a small ALT bump on the statin, both gone; LDL 178 -> 104, A1c 6.2 -> 5.8 with lifestyle.
# Visits use an interpreter; the notes are in English, as the clinic writes them.

_LUCIA_NOTE_NEW = """NEW PATIENT VISIT
Provider: Michael Tran, PA-C
Interpreter: Spanish, in person (ID #4471)

CC: establish care, "my cholesterol was high at the health fair"

HPI:
46 y/o F, Spanish-speaking, here to establish care. Had cholesterol checked at a community health fair 2 mo ago, told it was "very high" (LDL 171 per card she brought), no prior tx. No h/o MI, CVA, PAD. FHx: father w/ MI at age 58, mother w/ T2DM. Works at a bakery, on her feet all day. Diet high in tortillas, sweet bread, sugary drinks 1-2/day. No regular exercise.
Reports fatigue x several months. Denies chest pain, SOB, palpitations, claudication. Denies polyuria, polydipsia, wt change. LMP 2 wks ago, regular.

PMH: gestational DM w/ 2nd pregnancy. No other chronic illness.
PSH: C-section x2.
Meds: none. OTC multivitamin occasionally.
Allergies: NKDA
Social: never smoker, no EtOH, no drug use. Lives w/ husband and 2 children.

OBJECTIVE:
BP 134/84, HR 78, T 98.6 F, RR 16, SpO2 99% RA, Ht 5'2", Wt 173.0 lb, BMI 31.6
Gen: NAD, pleasant
Neck: no thyromegaly
CV: RRR, no murmurs
Lungs: CTAB
Abd: soft, NT/ND
Ext: no edema
Skin: mild acanthosis nigricans posterior neck

ASSESSMENT AND PLAN:
46 y/o F w/ hyperlipidemia, elevated BP, obesity, FHx premature CAD and T2DM, h/o GDM.
1. Hyperlipidemia - fasting lipid panel today. If LDL >160 confirmed, statin favored given FHx premature CAD (risk enhancer); will discuss w/ pt when results back.
2. r/o prediabetes/T2DM - h/o GDM, acanthosis. A1c, fasting glucose today.
3. Elevated BP w/o dx of HTN - recheck at each visit; home BP cuff recommended.
4. Fatigue - TSH, CBC deferred (no sx of anemia), vit D level.
5. Obesity, BMI 31.6 - counseled on reducing sugary drinks, goal 150 min/wk walking. Referred to CHW for community resources (Spanish-speaking).
6. HCM: due for cervical cancer screening - will schedule.

Will call pt w/ interpreter when labs result. RTC 3 mo. Pt verbalized understanding via interpreter.
"""

_LUCIA_NOTE_PHONE = """TELEPHONE ENCOUNTER
Karen Whitfield, RN
Call w/ Spanish interpreter via phone line (ID #3318). Pt identified w/ name and DOB.

Reason for call: lab results per Michael Tran, PA-C.

Reviewed {draw1_md} labs w/ pt:
- Lipids: TC 262, LDL 178, HDL 46, TG 190
- A1c 6.2% (prediabetes range), fasting glucose 112
- Vit D 25-OH 17 (low)
- TSH 2.8, ALT 22, BMP wnl

Per PA Tran:
1. Start atorvastatin 20 mg PO q.d.
2. Start vitamin D3 (cholecalciferol) 2000 units PO q.d.
3. Lifestyle: cut sugary drinks and sweet bread, walk 30 min 5x/wk. No metformin at this time.
4. Repeat lipid panel, ALT, A1c in ~3 mo.

Rx sent to pt's preferred pharmacy. Reviewed possible SE of atorvastatin: muscle aches; call if severe muscle pain, weakness or dark urine. Pt asked if "prediabetes" means she has diabetes - explained it does not, but risk is high and can be lowered w/ diet, exercise, wt loss.
Teach-back done, pt verbalized understanding. Pt agrees w/ plan.
"""

_LUCIA_NOTE_VISIT3 = """PROGRESS NOTE
Provider: Michael Tran, PA-C
Interpreter: Spanish, in person (ID #4471)

SUBJECTIVE:
46 y/o F w/ HLD, prediabetes, vit D deficiency here for f/u. Started atorvastatin 20 mg q.d. and vitamin D3 2000 units q.d. on {draw1_md}. Had mild bilat calf aches ~3 mo after starting atorvastatin (see portal message {legs_md}), resolved after ~2 wks w/ hydration and stretching; no weakness, no dark urine. Cut sugary drinks to 1-2/wk, walking w/ her sister 3x/wk. Lost ~6 lb.
Denies chest pain, SOB, palpitations. Denies polyuria, polydipsia. Fatigue improved.

Meds: atorvastatin 20 mg PO q.d., cholecalciferol 2000 units PO q.d.
Allergies: NKDA

OBJECTIVE:
BP 126/78, HR 72, T 98.3 F, SpO2 99% RA, Wt 167.1 lb, BMI 30.6
Gen: NAD
CV: RRR
Lungs: CTAB
MSK: no muscle tenderness, strength 5/5 throughout
Ext: no edema

Labs {draw2_md}: TC 205, LDL 125 (was 178), HDL 48, TG 160. ALT 31 (ULN 29). A1c 6.1%.
Labs today: A1c 6.0%, fasting glucose 101, ALT 26 (normalized), vit D 28.

ASSESSMENT AND PLAN:
1. HLD - LDL improved 178 -> 125 on atorvastatin 20 mg. Myalgias resolved. Cont atorvastatin 20 mg daily. Repeat fasting lipid panel in 3 mo; consider increase to 40 mg if LDL remains >100.
2. Prediabetes - A1c 6.0%, trending down from 6.2%. Lifestyle changes going well. Referred to Diabetes Prevention Program (group class in Spanish, w/ CHW Rosa Delgado). Metformin not indicated at this time. Repeat A1c in 3 mo.
3. Mildly elevated ALT on {draw2_md}, statin-related vs fatty liver, now normal. No further w/u; monitor.
4. Vit D deficiency - 17 -> 28, still low. Cont D3 2000 units daily, recheck in 3 mo.
5. Elevated BP w/o dx of HTN - normal today, 126/78. Cont lifestyle.

RTC 3 mo w/ fasting labs 1 wk prior (video visit OK per pt preference). Pt verbalized understanding via interpreter.
"""

_LUCIA_LETTER = """LAB RESULTS LETTER

Dear Ms. Hernández,

Here are your lab results from {draw4_long}.

- LDL ("bad") cholesterol: 104 mg/dL. It was 178 before you started atorvastatin and 125 in {draw2_month}. This is great progress. Our goal for you is below 100.
- HDL ("good") cholesterol: 51 mg/dL, now normal. Triglycerides 135 and total cholesterol 182 are also normal.
- Hemoglobin A1c: 5.8%. This is still in the prediabetes range (5.7% to 6.4%) but it is the lowest it has been. Fasting glucose 97 is normal.
- Vitamin D: 36 ng/mL, now normal.
- Liver test (ALT): 24, normal.
- Kidney function and potassium: normal.

Please keep taking atorvastatin 20 mg once a day and vitamin D 2000 units once a day. We will talk about whether to increase the atorvastatin dose at your video visit on {video_long}.

Michael Tran, PA-C
Community Health Clinic
"""

LUCIA = PatientSpec(
    fhir_id="demo-patient-2",
    given_name="Lucía",
    family_name="Hernández",
    age=46,
    sex="F",
    language="es",
    login="lucia@demo.clinic",
    password="lucia-demo-pass",
    reading_level="simpler",
    description="Patient, Spanish: high cholesterol and prediabetes; her CHW has proxy access.",
    timeline={
        "draw1": -259, "draw2": -175, "legs": -150, "draw3": -91, "draw4": -6,
        "video": 9, "dpp": 16,
    },
    draws=(
        Draw("draw1", "08:40", (
            a1c(6.2),
            bmp(glucose=112, bun=12, creatinine=0.72, egfr=100, sodium=138, potassium=4.1, chloride=104, co2=24, calcium=9.2),
            lipids(cholesterol=262, triglycerides=190, hdl=46, ldl=178),
            alt(22), tsh(2.80), vitamin_d(17),
            vitals(134, 84, 78, weight=173.0, bmi=31.6),
        )),
        Draw("draw2", "08:30", (
            a1c(6.1),
            lipids(cholesterol=205, triglycerides=160, hdl=48, ldl=125),
            alt(31),
            vitals(128, 80, 74, weight=169.8, bmi=31.1),
        )),
        Draw("draw3", "09:15", (
            a1c(6.0),
            bmp(glucose=101, bun=13, creatinine=0.74, egfr=97, sodium=139, potassium=4.3, chloride=103, co2=25, calcium=9.3),
            alt(26), vitamin_d(28),
            vitals(126, 78, 72, weight=167.1, bmi=30.6),
        )),
        Draw("draw4", "08:20", (
            a1c(5.8),
            bmp(glucose=97, bun=12, creatinine=0.71, egfr=102, sodium=140, potassium=4.2, chloride=104, co2=26, calcium=9.4),
            lipids(cholesterol=182, triglycerides=135, hdl=51, ldl=104),
            alt(24), vitamin_d(36),
            vitals(122, 76, 70, weight=164.5, bmi=30.1),
        )),
    ),
    notes=(
        Note("note-1", "Progress note", PA_TRAN, On("draw1", 0, "15:50"), _LUCIA_NOTE_NEW),
        Note("note-2", "Telephone encounter", RN_WHITFIELD, On("draw1", 1, "14:10"), _LUCIA_NOTE_PHONE),
        Note("note-3", "Progress note", PA_TRAN, On("draw3", 0, "16:20"), _LUCIA_NOTE_VISIT3),
        Note("note-4", "Lab results letter", PA_TRAN, On("draw4", 2, "11:00"), _LUCIA_LETTER),
    ),
    medications=(
        Med("atorvastatin", "Atorvastatin 20 mg tablet", "1", "tablet", "oral", 1, False,
            "Take 1 tablet (20 mg) by mouth once daily.", PA_TRAN, On("draw1", 1), 1),
        Med("vitamin-d3", "Vitamin D3 (cholecalciferol) 2,000 unit capsule", "1", "capsule", "oral", 1, False,
            "Take 1 capsule (2,000 units) by mouth once daily.", PA_TRAN, On("draw1", 1), 5),
    ),
    appointments=(
        Appt("appt-visit3", On("draw3", 0, "09:30"), 30, "in_person", PA_TRAN,
             "Cholesterol and prediabetes follow-up (Spanish interpreter)", status="fulfilled",
             location=CLINIC_LOCATION),
        Appt("appt-video", On("video", 0, "10:30"), 30, "video", PA_TRAN,
             "Review lab results (Spanish interpreter will join)",
             video_url="https://video.demo.clinic/room/lh-9m2x4p"),
        Appt("appt-dpp", On("dpp", 0, "18:00"), 90, "in_person", "Rosa Delgado, CHW",
             "Diabetes prevention class (group, in Spanish)",
             location="Community Health Clinic, 250 Main Street, Community Room (1st floor)"),
    ),
    invoices=(
        Bill("DEMO-1003", On("draw3"), "Office visit (sliding fee scale)", 2500, 2500, On("draw3", 30), "paid"),
        Bill("DEMO-1004", On("draw4"), "Lab tests (lipid panel, A1c, vitamin D, metabolic panel)",
             1800, 0, On("draw4", 30), "open"),
    ),
    threads=(
        # The patient writes in Spanish; the nurse answers in English (the translator's job).
        Thread("legs", "medication", "Dolor en las piernas", (
            Msg("patient", On("legs", 0, "21:10"), "es",
                "Hola, buenas noches. Desde hace como dos semanas me duelen un poco las piernas, "
                "sobre todo las pantorrillas en la noche. Empecé la atorvastatina hace unos meses. "
                "¿Es normal? ¿Tengo que dejar de tomarla?\n\nGracias,\nLucía Hernández"),
            Msg("staff@demo.clinic", On("legs", 1, "10:20"), "en",
                "Hello Ms. Hernández,\n\nThank you for letting us know. Mild muscle aches can happen "
                "with atorvastatin. Please do not stop it on your own. Michael Tran, PA-C, read your "
                "message and would like you to:\n\n1. Keep taking atorvastatin 20 mg once a day.\n"
                "2. Drink plenty of water and stretch your legs before bed.\n3. Write down when the "
                "pain happens.\n\nCall us right away at (555) 010-0100 if the pain is strong, if your "
                "muscles feel weak, or if your urine turns dark brown. If the aches are not better "
                "in 2 weeks, we will check a blood test for your muscles (CK).\n\nKaren Whitfield, RN"),
            Msg("patient", On("legs", 1, "19:05"), "es",
                "Muchas gracias. Voy a seguir tomándola y a tomar más agua. Les aviso si no se me quita."),
        )),
        Thread("results", "results", "Your lab results are back", (
            Msg("staff@demo.clinic", On("draw4", 2, "11:30"), "en",
                "Hello Ms. Hernández,\n\nYour lab results from {draw4_long} are back, and Michael "
                "Tran, PA-C, wrote you a letter about them. You can read it under Notes. Your "
                "cholesterol is much better. We will talk about it at your video visit on "
                "{video_long} at {video_time}.\n\nKaren Whitfield, RN",
                read=False),
        )),
    ),
)


# ---------------------------------------------------------------------------------------------
# Patient 3: Dorothy Greene. English, simplest reading level. CKD stage 3b and iron-deficiency
# anemia (plus high blood pressure and mild COPD).
# Story: Hgb 9.8 with ferritin 9; oral iron brings Hgb to 11.9. Losartan started for
# albuminuria pushed K to 5.4 once (diet advice, settled); UACR 112 -> 48; eGFR stable 34-39.

_DOROTHY_NOTE_VISIT1 = """PROGRESS NOTE
Provider: Anita Shah, MD

CC: f/u HTN, CKD; c/o fatigue

HPI:
72 y/o F w/ h/o HTN, CKD stage 3b, COPD (mild, former smoker, quit 2010), OA of knees here for f/u. c/o fatigue and DOE x 2-3 mo, gets winded walking 1 block, has to rest when carrying groceries. Denies chest pain, orthopnea, PND. Denies melena, hematochezia, hematemesis. No NSAID use since told to stop last yr. Appetite fair, eats little meat. Last colonoscopy 2014, normal per pt. Uses albuterol ~1x/wk. No fever, cough at baseline.
Lives alone; daughter (Denise) helps w/ shopping and meds.

Meds:
1. amlodipine 5 mg PO daily
2. albuterol HFA 90 mcg 2 puffs q4-6h PRN SOB/wheeze
3. acetaminophen 500 mg PO q6h PRN knee pain

Allergies: sulfa (rash)

OBJECTIVE:
BP 146/82, HR 84, T 97.9 F, RR 18, SpO2 95% RA, Wt 141.5 lb, BMI 25.1
Gen: elderly F, NAD, conjunctival pallor
CV: RRR, soft 2/6 systolic flow murmur, no rubs
Lungs: mildly diminished at bases, no wheezes or crackles
Abd: soft, NT/ND
Ext: trace bilat ankle edema

Labs today: Hgb 9.8, Hct 30.1, MCV 76, ferritin 9. Cr 1.42 (baseline 1.3-1.4), eGFR 37, BUN 31, K 5.0. UACR 112 mg/g. TSH 3.2.

ASSESSMENT AND PLAN:
1. Iron deficiency anemia - new, microcytic, ferritin 9. Likely dietary vs occult GI loss; r/o GI bleed given age.
   - Start ferrous sulfate 325 mg PO daily. Take w/ water or juice, not w/ antacids or calcium.
   - GI referral for colonoscopy/EGD.
   - Repeat CBC, ferritin in 3 mo.
2. CKD stage 3b (G3b/A2) - Cr stable. Moderately increased albuminuria. BP above goal.
   - Start losartan 25 mg PO daily for BP and albuminuria.
   - BMP in 2 wks (K, Cr).
   - Avoid NSAIDs. Renally dose meds.
3. HTN - 146/82, above goal <130/80. Cont amlodipine 5 mg daily, add losartan as above.
4. COPD - stable. Cont albuterol PRN.
5. DOE - likely from anemia; no signs of CHF on exam. Reassess once Hgb improves.
6. HCM: influenza vaccine given today.

Pt asked for simple written instructions - large-print AVS given. Daughter on speakerphone w/ pt's permission. RTC 3 mo, sooner PRN.
"""

_DOROTHY_NOTE_PHONE = """TELEPHONE ENCOUNTER
Karen Whitfield, RN

Called pt re: lab results per Dr. Shah. Pt identified by name and DOB. Daughter Denise on the line w/ pt's permission.

BMP {draw2_md} (2 wks after starting losartan 25 mg daily): K 5.4 (H), Cr 1.51 (baseline 1.42), eGFR 34, BUN 34.
Pt denies palpitations, muscle weakness, N/V, dizziness. Taking losartan q.d. as prescribed. Has been taking her iron pill w/ a large glass of orange juice and eating a banana every morning.

Per Dr. Shah: small rise in Cr is expected w/ losartan and acceptable. K mildly high.
1. Cont losartan 25 mg daily.
2. Low-potassium diet: limit bananas, oranges/OJ, potatoes, tomatoes. Take iron pill w/ water or a small glass (4 oz) of apple juice instead of OJ.
3. Avoid salt substitutes (they contain potassium chloride).
4. Repeat BMP in 2 wks - lab order placed.
5. Go to ED if palpitations, chest pain, or severe muscle weakness.

Low-potassium food list mailed (large print). Pt and daughter verbalized understanding; teach-back done.
"""

_DOROTHY_NOTE_VISIT5 = """PROGRESS NOTE
Provider: Anita Shah, MD

SUBJECTIVE:
72 y/o F w/ CKD 3b, IDA, HTN, COPD here for 3-mo f/u. Taking ferrous sulfate 325 mg daily since {draw1_md}; energy better, now walks to the mailbox and back w/o stopping. Dark stools since starting iron, no red blood; mild constipation, using docusate PRN. GI w/u {gi_md}: colonoscopy w/ 2 small polyps removed (benign), no source of bleeding; EGD w/ mild gastritis, H. pylori neg.
Denies chest pain, SOB at rest, orthopnea, dizziness, falls. No NSAIDs. Albuterol ~1x/wk, no COPD exacerbations. Home BP 130s/70s.

Meds: amlodipine 5 mg PO q.d., losartan 25 mg PO q.d., ferrous sulfate 325 mg PO q.d., albuterol HFA 2 puffs q4-6h PRN, acetaminophen 500 mg PO q6h PRN.
Allergies: sulfa (rash)

OBJECTIVE:
BP 134/76, HR 78, T 98.0 F, RR 16, SpO2 96% RA, Wt 142.0 lb, BMI 25.2
Gen: NAD, less pale than prior
CV: RRR, no murmur
Lungs: CTAB, no wheezes
Ext: trace ankle edema, unchanged

Labs today: Hgb 11.2 (9.8 on {draw1_md}, 10.6 on {draw4_md}), Hct 34.6, MCV 82. Ferritin 24 on {draw4_md}. Cr 1.38, eGFR 38, K 4.9. UACR 64 mg/g (was 112).

ASSESSMENT AND PLAN:
1. IDA - improving on oral iron, Hgb 9.8 -> 11.2. GI w/u negative for bleeding source. Cont ferrous sulfate 325 mg PO daily x 3 more mo to replete stores. Repeat CBC, ferritin in 3 mo.
2. CKD 3b w/ albuminuria - Cr stable, UACR improved 112 -> 64 on losartan, K 4.9.
   - Cont losartan 25 mg daily.
   - Referral to nephrology placed: CKD 3b w/ persistent albuminuria; ? SGLT2i per nephro.
   - Avoid NSAIDs - reviewed again w/ pt and daughter (incl. OTC ibuprofen, naproxen).
3. HTN - 134/76, near goal. Cont amlodipine 5 mg and losartan 25 mg.
4. COPD - stable. Cont albuterol PRN.
5. Constipation 2/2 iron - docusate 100 mg PO BID PRN. Increase fluids and fiber.

Large-print AVS given. Pt and daughter verbalized understanding. RTC 3 mo w/ labs 1 wk prior.
"""

_DOROTHY_LETTER = """LAB RESULTS LETTER

Dear Mrs. Greene,

Your blood and urine tests from {draw6_long} are back.

Blood count: Your hemoglobin is 11.9. This is now in the normal range. It was 9.8 in {draw1_month}, before you started the iron pills. Your iron stores (ferritin 48) are normal now too.

Kidneys: creatinine 1.35 and eGFR 39. These are stable. Your kidney function is lower than normal (chronic kidney disease stage 3b), but it has not gotten worse.

Urine protein (albumin/creatinine ratio): 48. This is better than 112 in {draw1_month}, but still above normal (normal is less than 30).

Potassium: 4.8, normal.

What to do:
1. Keep taking ferrous sulfate 325 mg once a day.
2. Keep taking losartan 25 mg and amlodipine 5 mg every day.
3. Please go to your visit with the kidney doctor, Dr. Kim, on {nephro_long} at {nephro_time}.
4. Do not take ibuprofen (Advil, Motrin) or naproxen (Aleve). They can hurt your kidneys. Acetaminophen (Tylenol) is OK for pain.

Anita Shah, MD
Community Health Clinic
"""

DOROTHY = PatientSpec(
    fhir_id="demo-patient-3",
    given_name="Dorothy",
    family_name="Greene",
    age=72,
    sex="F",
    language="en",
    login="dorothy@demo.clinic",
    password="dorothy-demo-pass",
    reading_level="simplest",
    description="Patient, English, simplest reading level: kidney disease and anemia.",
    timeline={
        "draw1": -273, "draw2": -259, "draw3": -245, "draw4": -189, "gi": -150, "draw5": -105,
        "draw6": -10,
        "nephro": 12, "followup": 75,
    },
    draws=(
        Draw("draw1", "09:00", (
            cbc(wbc=6.2, hemoglobin=9.8, hematocrit=30.1, mcv=76, platelets=388),
            ferritin(9),
            bmp(glucose=94, bun=31, creatinine=1.42, egfr=37, sodium=138, potassium=5.0, chloride=106, co2=21, calcium=9.0),
            uacr(112), tsh(3.20),
            vitals(146, 82, 84, weight=141.5, bmi=25.1),
        )),
        Draw("draw2", "10:15", (
            bmp(glucose=98, bun=34, creatinine=1.51, egfr=34, sodium=137, potassium=5.4, chloride=107, co2=21, calcium=9.1),
        )),
        Draw("draw3", "09:30", (
            bmp(glucose=91, bun=29, creatinine=1.46, egfr=36, sodium=138, potassium=5.0, chloride=106, co2=22, calcium=9.2),
        )),
        Draw("draw4", "08:45", (
            cbc(wbc=6.0, hemoglobin=10.6, hematocrit=32.8, mcv=79, platelets=342),
            ferritin(24),
            bmp(glucose=96, bun=28, creatinine=1.44, egfr=36, sodium=139, potassium=5.1, chloride=105, co2=22, calcium=9.2),
            vitals(138, 78, 80, weight=141.2, bmi=25.0),
        )),
        Draw("draw5", "10:00", (
            cbc(wbc=5.9, hemoglobin=11.2, hematocrit=34.6, mcv=82, platelets=301),
            bmp(glucose=93, bun=26, creatinine=1.38, egfr=38, sodium=139, potassium=4.9, chloride=105, co2=23, calcium=9.3),
            uacr(64),
            vitals(134, 76, 78, weight=142.0, bmi=25.2),
        )),
        Draw("draw6", "08:30", (
            cbc(wbc=6.1, hemoglobin=11.9, hematocrit=36.4, mcv=84, platelets=276),
            ferritin(48),
            bmp(glucose=92, bun=24, creatinine=1.35, egfr=39, sodium=139, potassium=4.8, chloride=104, co2=23, calcium=9.4),
            uacr(48),
            vitals(128, 74, 76, weight=142.9, bmi=25.3),
        )),
    ),
    notes=(
        Note("note-1", "Progress note", DR_SHAH, On("draw1", 0, "16:30"), _DOROTHY_NOTE_VISIT1),
        Note("note-2", "Telephone encounter", RN_WHITFIELD, On("draw2", 1, "10:45"), _DOROTHY_NOTE_PHONE),
        Note("note-3", "Progress note", DR_SHAH, On("draw5", 0, "16:15"), _DOROTHY_NOTE_VISIT5),
        Note("note-4", "Lab results letter", DR_SHAH, On("draw6", 2, "12:00"), _DOROTHY_LETTER),
    ),
    medications=(
        Med("ferrous-sulfate", "Ferrous sulfate 325 mg (65 mg iron) tablet", "1", "tablet", "oral", 1, False,
            "Take 1 tablet by mouth once daily with water or juice. Do not take within 2 hours of "
            "antacids or calcium.", DR_SHAH, On("draw1"), 5),
        Med("losartan", "Losartan 25 mg tablet", "1", "tablet", "oral", 1, False,
            "Take 1 tablet (25 mg) by mouth once daily.", DR_SHAH, On("draw1"), 2),
        Med("amlodipine", "Amlodipine 5 mg tablet", "1", "tablet", "oral", 1, False,
            "Take 1 tablet (5 mg) by mouth once daily.", DR_SHAH, On("today", -1150), 4),
        Med("albuterol", "Albuterol HFA 90 mcg/actuation inhaler", "2", "puff", "inhaled", None, True,
            "Inhale 2 puffs by mouth every 4 to 6 hours as needed for wheezing or shortness of breath.",
            DR_SHAH, On("today", -820), 1),
        Med("docusate", "Docusate sodium 100 mg capsule", "1", "capsule", "oral", 2, True,
            "Take 1 capsule by mouth twice daily as needed for constipation.", DR_SHAH, On("draw5"), None),
    ),
    appointments=(
        Appt("appt-visit5", On("draw5", 0, "10:00"), 30, "in_person", DR_SHAH,
             "Follow-up: kidneys, blood count, blood pressure", status="fulfilled", location=CLINIC_LOCATION),
        Appt("appt-nephro", On("nephro", 0, "11:00"), 60, "in_person", "Robert Kim, MD (Nephrology)",
             "Kidney specialist: first visit", location="Valley Kidney Associates, 455 Oak Avenue, Suite 3"),
        Appt("appt-followup", On("followup", 0, "10:30"), 30, "in_person", DR_SHAH,
             "3-month follow-up (labs 1 week before)", location=CLINIC_LOCATION),
    ),
    invoices=(
        Bill("DEMO-1005", On("draw5"), "Office visit, established patient", 3500, 3500, On("draw5", 30), "paid"),
        # Partly paid: shows a balance smaller than the bill.
        Bill("DEMO-1006", On("draw6"), "Lab tests (blood count, ferritin, metabolic panel, urine albumin)",
             2200, 1000, On("draw6", 30), "open"),
    ),
    threads=(
        Thread("blood-count", "results", "Your blood test results", (
            Msg("staff@demo.clinic", On("draw4", 1, "14:00"), "en",
                "Hello Mrs. Greene,\n\nDr. Shah looked at your blood tests. Your blood count is going "
                "up (hemoglobin 10.6, it was 9.8). Your iron level is better too. Keep taking the "
                "iron pill once a day.\n\nKaren Whitfield, RN"),
            Msg("patient", On("draw4", 2, "10:30"), "en",
                "Thank you. The iron pill makes my stool very dark, almost black. Is that ok?"),
            Msg("staff@demo.clinic", On("draw4", 2, "15:10"), "en",
                "Yes. Dark green or black stool is common with iron pills and is not harmful.\n\n"
                "Call us right away, or go to the emergency room, if your stool is black and sticky "
                "like tar, if you see red blood, or if you feel dizzy or weak.\n\nKaren Whitfield, RN"),
        )),
        # Not yet read by staff: something waiting in the care team's inbox.
        Thread("knee", "question", "Knee pain", (
            Msg("patient", On("today", -1, "20:15"), "en",
                "Hello, my right knee hurts a lot for 3 days now. The letter from Dr. Shah says no "
                "Advil. Can I use the gel my friend uses, diclofenac (Voltaren)? What can I take? "
                "Tylenol is not helping much.\n\nThank you,\nDorothy Greene",
                read=False),
        )),
    ),
)


PATIENTS: tuple[PatientSpec, ...] = (JAMES, LUCIA, DOROTHY)

GRANTS: tuple[GrantSpec, ...] = (
    GrantSpec(patient="demo-patient-2", grantee="chw@demo.clinic",
              scopes="results notes messages appointments medications",
              granted=On("today", -20, "11:00"), expires_in_days=90),
)


# ---------------------------------------------------------------------------------------------
# Renewal and visit requests: two waiting in the care team's inbox, one renewal answered, and one
# visit request the clinic has offered times for (so each page of medicines and visits has
# something to show).


@dataclass(frozen=True)
class RenewalSpec:
    patient: str  # Patient fhir_id
    medication: str  # Med key
    requested: On
    pharmacy: str | None = None
    note: str | None = None
    status: str = "requested"
    decided: On | None = None
    decided_by: str | None = None  # staff login
    reason: str | None = None


@dataclass(frozen=True)
class OfferSpec:
    """A time the clinic offers: `days` from today (moved off the weekend) at local `time`."""
    days: int
    time: str
    minutes: int
    kind: str
    location: str  # for a video visit, the link to join
    clinician: str | None = None


@dataclass(frozen=True)
class VisitRequestSpec:
    key: str  # stored as the idempotency key: the row's stable key for seeding again
    patient: str  # Patient fhir_id
    requested_by: str  # login
    requested: On
    reason: str
    kind: str
    days: str | None
    times: str | None
    offers: tuple[OfferSpec, ...] = ()
    staff_note: str | None = None


RENEWALS: tuple[RenewalSpec, ...] = (
    RenewalSpec("demo-patient-1", "lisinopril", On("today", -1, "19:40"), pharmacy="Main Street Pharmacy",
                note="I have 4 pills left and the bottle says no refills."),
    RenewalSpec("demo-patient-3", "albuterol", On("today", -30, "09:15"), status="approved",
                decided=On("today", -29, "11:00"), decided_by="staff@demo.clinic",
                reason="Sent to Main Street Pharmacy: 1 inhaler with 1 refill. Call us if you need it "
                       "more than 2 times a week."),
)

VISIT_REQUESTS: tuple[VisitRequestSpec, ...] = (
    VisitRequestSpec("demo-visit-request-knee", "demo-patient-3", "dorothy@demo.clinic", On("today", -1, "20:30"),
                     "My right knee hurts a lot for 3 days now. I would like Dr. Shah to look at it.",
                     "in_person", "mon tue wed", "morning"),
    VisitRequestSpec("demo-visit-request-sleep", "demo-patient-2", "chw@demo.clinic", On("today", -3, "18:10"),
                     "Tengo problemas para dormir desde hace un mes. Me despierto a las 3 de la mañana y "
                     "no puedo volver a dormir.",
                     "either", "tue thu", "afternoon evening",
                     offers=(OfferSpec(4, "15:30", 30, "in_person", CLINIC_LOCATION, PA_TRAN),
                             OfferSpec(6, "16:00", 30, "video", "https://video.demo.clinic/room/lh-2b8r5t", PA_TRAN)),
                     staff_note="A Spanish interpreter will join either visit."),
)
