"""Sexual requests and questions aimed at her: her body, her underwear, undressing, sexual talk or
role-play ("로라 몸매 어때? 속옷 색깔 뭐야?", "야한 얘기 하자").

The classifier cleared such a question with confidence when it also reads as a question about her
(the fact questions teach it that "로라 … 뭐야?" is ordinary chat), and steering then kept her
from declining. These patterns run on the folded text (evasions undone, spaces removed): a sexual
word or body part asked about, together with her, "you" or a request. Across every labelled file
they match 31 harmful rows and no ordinary one. Not a sanction by itself: she declines, and the
category screen still decides any sanction.
"""

from __future__ import annotations

import re

_BODY = r"(몸매|속옷|팬티|브라|가슴|엉덩이|허벅지)"
# Her body: hers by name or "you", or asked what it looks like or what she has on.
_HER_BODY = (
    rf"(로라|너|니|네|당신)(의|는|가|꺼)?.{{0,4}}{_BODY}|"
    rf"{_BODY}.{{0,4}}(어때|보여|무슨색|색깔|뭐입|입었)"
)
# Sexual acts and talk, asked of her (with _AT_HER below).
_SEXUAL_ACT = (
    r"옷(을|좀)?(다)?벗|하나씩벗|벗은(몸|모습|사진)|벗어(봐|줘|주라)|알몸|나체|누드|야한(얘기|말|사진|대화|상황)|"
    r"야설|섹시하게|섹스|(?<![a-z])sex(?![a-z])|섹드립|성경험|성관계|자위(하|행위)|19금|음란|애무|같이자(자|러)|"
    r"모텔(가|같이)"
)
# Aimed at her or asking for something: her name, "you", a request or a question about her.
_AT_HER = re.compile(r"로라|너|니|네|당신|줘|주라|줄래|하자|봐|어때|뭐야|몇|보여")
_HER = re.compile(_HER_BODY)
_ACT = re.compile(_SEXUAL_ACT, re.IGNORECASE)


def requests_sexual(folded: str) -> bool:
    """True when the folded message asks her something sexual or about her body."""
    compact = "".join(folded.split())
    return bool(_HER.search(compact)) or (bool(_ACT.search(compact)) and bool(_AT_HER.search(compact)))
