"""The controlled vocabulary of case files: domains, parts, CE categories, skills, settings …

Values are what an educator writes in YAML; the docs (docs/authoring.md) list them all.
"""

from __future__ import annotations

from enum import StrEnum


class Domain(StrEnum):
    """The eight domains of the NCP Clinical Practice Guidelines (4th ed.), by their exact names."""

    STRUCTURE = "Structure and Processes of Care"
    PHYSICAL = "Physical Aspects of Care"
    PSYCHOLOGICAL = "Psychological and Psychiatric Aspects of Care"
    SOCIAL = "Social Aspects of Care"
    SPIRITUAL = "Spiritual, Religious, and Existential Aspects of Care"
    CULTURAL = "Cultural Aspects of Care"
    END_OF_LIFE = "Care of the Patient Nearing the End of Life"
    ETHICAL = "Ethical and Legal Aspects of Care"


class Part(StrEnum):
    """The four parts of the program."""

    I = "I"  # noqa: E741
    II = "II"
    III = "III"
    IV = "IV"

    @property
    def slug(self) -> str:
        return {"I": "part-1", "II": "part-2", "III": "part-3", "IV": "part-4"}[self.value]


class CECategory(StrEnum):
    """The CE categories the Part I hours are split into."""

    CLINICAL = "clinical"
    PAIN_SYMPTOM = "pain and symptom management"
    CROSS_CULTURAL = "cross-cultural"
    ETHICS = "ethics"


class Skill(StrEnum):
    """Skills a case or activity practises (the guide's highest-impact skills first)."""

    ASSESSMENT = "biopsychosocial-spiritual assessment"
    ACP = "advance care planning"
    FAMILY_MEETINGS = "family meetings"
    INTERPROFESSIONAL = "interprofessional communication"
    PROFESSIONAL_DEVELOPMENT = "professional development"
    RESPONDING_TO_EMOTION = "responding to emotion"
    SERIOUS_NEWS = "breaking serious news"
    SERIOUS_ILLNESS_CONVERSATION = "serious illness conversation"
    GOALS_OF_CARE = "goals of care"
    SPIRITUAL_ASSESSMENT = "spiritual assessment"
    CULTURAL_HUMILITY = "cultural humility"
    INTERPRETERS = "working with interpreters"
    SCREENING = "screening"
    SOCIAL_NEEDS = "social needs and SDOH"
    CAREGIVER_SUPPORT = "caregiver support"
    GRIEF = "grief and bereavement"
    CAPACITY_ETHICS = "capacity and ethics"
    CARE_COORDINATION = "care coordination"
    END_OF_LIFE_PREPARATION = "preparing for the last days"
    ADVOCACY = "advocacy"
    LEADERSHIP = "leadership"
    SELF_AWARENESS = "self-awareness"


class Framework(StrEnum):
    """The practice frameworks of the content guide (section 4) an activity can be built on."""

    SPIKES = "SPIKES"
    NURSE = "NURSE"
    SERIOUS_ILLNESS_CONVERSATION = "serious illness conversation"
    REMAP = "REMAP"
    FAMILY_MEETING = "family meeting"
    SPIRITUAL_HISTORY = "spiritual history"
    ACP = "advance care planning and surrogates"
    GRIEF = "grief"
    DISTRESS_SCREENING = "distress and depression screening"
    SOCIAL_NEEDS_SCREENING = "social-needs screening"
    CAPACITY_ETHICS = "capacity and ethics"
    INTERPRETERS_CULTURE = "interpreters and cultural humility"


class NASWStandard(StrEnum):
    """NASW Standards for Social Work Practice in Palliative and End of Life Care."""

    ETHICS = "Ethics and Values"
    KNOWLEDGE = "Knowledge"
    ASSESSMENT = "Assessment"
    INTERVENTION = "Intervention/Treatment Planning"
    SELF_AWARENESS = "Attitude/Self-Awareness"
    ADVOCACY = "Empowerment and Advocacy"
    DOCUMENTATION = "Documentation"
    TEAMWORK = "Interdisciplinary Teamwork"
    CULTURAL = "Cultural Competence"
    CONTINUING_EDUCATION = "Continuing Education"
    LEADERSHIP = "Supervision, Leadership, and Training"


class SettingType(StrEnum):
    HOSPITAL = "hospital"
    ICU = "ICU"
    EMERGENCY = "emergency department"
    HOSPICE = "hospice"
    NURSING_HOME = "nursing home"
    OUTPATIENT_ONCOLOGY = "outpatient oncology"
    HOME_HEALTH = "home health"
    COMMUNITY_PALLIATIVE = "community palliative care"
    PAEDIATRICS = "paediatrics"
    NICU = "NICU"
    CLINIC = "clinic"
    VIRTUAL = "virtual"


class Trajectory(StrEnum):
    CANCER = "cancer"
    HEART_FAILURE = "heart failure"
    COPD = "COPD"
    DEMENTIA = "dementia"
    ALS = "ALS"
    DIALYSIS_WITHDRAWAL = "dialysis withdrawal"
    STROKE = "stroke"
    ICU_SEPSIS = "ICU sepsis"
    SUDDEN_DEATH = "sudden death"
    PAEDIATRIC_LIFE_LIMITING = "paediatric life-limiting condition"
    NOT_APPLICABLE = "not applicable"


class PersonKind(StrEnum):
    PATIENT = "patient"
    FAMILY = "family"
    CHOSEN_FAMILY = "chosen family"
    FRIEND = "friend"
    TEAM = "team"
    INTERPRETER = "interpreter"
    GUARDIAN = "guardian"
    OTHER = "other"


INSTRUMENTS: dict[str, tuple[str, int | None]] = {
    "distress thermometer": ("Distress thermometer", 10),
    "PHQ-2": ("PHQ-2", 6),
    "GAD-2": ("GAD-2", 6),
    "social needs": ("Social needs screening", None),
}
"""Screening instruments: display name and highest score (scores start at 0; None: no score).
Here (a module that imports nothing of the package), so that the schema and learner kernels
share it without an import cycle and without loading pydantic."""
