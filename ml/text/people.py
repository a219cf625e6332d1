"""Words Korean users call other people by: partners, family, friends, work. A message whose subject or
owner is one of them is about someone else, not the user or her (`ml.llm.facts`: "여친 생일 선물";
`ml.llm.self_facts`: "친구가 고양이 키우는데"). Each module adds the words only it needs: 언니/오빠 address
her in the fact lookup, so only the self-fact rules count them as someone else."""

from __future__ import annotations

OTHER_PEOPLE = (
    r"여친|남친|여자친구|남자친구|애인|와이프|남편|아내|엄마|아빠|어머니|아버지|동생|할머니|할아버지|"
    r"친구|선배|후배|팀장|부장|사장|동료|조카|아들|걔|쟤"
)  # a regex alternation, to be grouped by the caller
