"""Her reply (greedy generation that stops at the next `###` marker, checked and retried) and the
analysis of a turn (one cached greedy pass over a fixed scaffold)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import torch
from transformers import LogitsProcessor, LogitsProcessorList, StoppingCriteria, StoppingCriteriaList

from ml import interrupt
from ml.expression import EYES_LEVELS, MOUTH_LEVELS, POSE_LEVELS
from ml.llm.analysis import TurnAnalysis, parse_analysis
from ml.llm.cached_decoding import CachedDecoder
from ml.llm.facts import contradicted_fact, fact_answer, states_fact
from ml.llm.loader import LoadedLLM
from ml.llm.output_vocab import allow_prompt
from ml.llm.prompts import MARKER, TurnContext, analysis_prompt, reply_prompt
from ml.llm.refusals import STEER_OFF, declines, refusal_reply
from ml.llm.speech import uses_jondae

FALLBACK_REPLY = "앗, 방금 말이 잘 안 나왔어 😅 한 번만 다시 말해 줄래?"
# A message about hurting oneself gets her fixed care reply and never reaches the model, so a model
# reply that brings up suicide or the 109 line is out of place (the adapter learnt it from the
# care rows: "엄마가 갱년기라 힘들어하셔" → "… 자살예방상담전화 109에 전화해 봐").
_CRISIS_LINE = re.compile(r"자살(?!골)|자해|(?<!\d)109(?!\d)")  # 자살골: an own goal


class _StopOnMarker(StoppingCriteria):
    """Stops once the generated tail contains the marker (or a blank line for replies), or when
    the call was interrupted."""

    def __init__(self, tokenizer: Any, prompt_len: int, stops: tuple[str, ...]) -> None:
        self.tokenizer, self.prompt_len, self.stops = tokenizer, prompt_len, stops

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor, **kwargs: Any) -> bool:
        if interrupt.requested():  # the turn was cancelled (timed out): free the model thread
            return True
        tail = self.tokenizer.decode(input_ids[0, self.prompt_len :][-8:], skip_special_tokens=True)
        return any(stop in tail for stop in self.stops)


class _Avoid(LogitsProcessor):
    """Rules out each of the `top_k` likeliest next tokens that would make the generated text match
    `pattern`, so decoding takes the best continuation that does not say it (a refusal of a message
    the screen cleared). Tokens beyond the top k are left alone: greedy decoding never reaches them
    unless all k were ruled out."""

    def __init__(self, tokenizer: Any, prompt_len: int, pattern: re.Pattern[str], top_k: int = 16) -> None:
        self.tokenizer, self.prompt_len, self.pattern, self.top_k = tokenizer, prompt_len, pattern, top_k

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        written = self.tokenizer.decode(input_ids[0, self.prompt_len :], skip_special_tokens=True)
        for token in torch.topk(scores[0], min(self.top_k, scores.shape[-1])).indices.tolist():
            if self.pattern.search(written + self.tokenizer.decode([token], skip_special_tokens=True)):
                scores[0, token] = float("-inf")
        return scores


@dataclass(frozen=True)
class Generation:
    """Decoded text, how many tokens were generated, and how long it took."""

    text: str
    tokens: int
    seconds: float
    canned: bool = False  # the text is her fixed refusal or fallback, not what the model wrote


@torch.inference_mode()
def generate(
    llm: LoadedLLM,
    prompt: str,
    max_new_tokens: int,
    stops: tuple[str, ...],
    sample: bool = False,
    repetition_penalty: float = 1.15,
    avoid: re.Pattern[str] | None = None,
) -> Generation:
    """Greedy by default; `sample` (seeded) gives a different answer for a retry; `avoid` steers
    decoding around text that matches it (`_Avoid`).

    The repetition penalty and the ban on repeated 4-grams keep free text from looping;
    `repetition_penalty=1.0` lifts both.
    """
    tok = llm.tokenizer
    inputs = tok(prompt, return_tensors="pt").to(llm.model.device)
    prompt_len = int(inputs["input_ids"].shape[1])
    allow_prompt(llm.model, inputs["input_ids"][0].tolist())
    started = time.perf_counter()
    output = llm.model.generate(
        **inputs,
        max_new_tokens=max_new_tokens,
        do_sample=sample,
        **({"temperature": 0.7, "top_p": 0.9} if sample else {}),
        repetition_penalty=repetition_penalty,
        no_repeat_ngram_size=4 if repetition_penalty > 1.0 else 0,
        stopping_criteria=StoppingCriteriaList([_StopOnMarker(tok, prompt_len, stops)]),
        logits_processor=LogitsProcessorList([_Avoid(tok, prompt_len, avoid)] if avoid else []),
        pad_token_id=tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id,
    )
    new = output[0, prompt_len:]
    text = str(tok.decode(new, skip_special_tokens=True))
    return Generation(text=text, tokens=int(new.shape[0]), seconds=time.perf_counter() - started)


_SENTENCE_END = re.compile(r"(?<=[.!?~…])\s+|(?<=[요다지야어네])\s+(?=\S)")


def clean_reply(text: str) -> str:
    """Cut at the first marker or blank line, drop role prefixes, keep at most three sentences."""
    text = text.split(MARKER, 1)[0].split("\n\n", 1)[0]
    text = text.split("\n")[0] if text.strip() else ""
    text = re.sub(r"^\s*(로라|오로라|사용자)\s*:\s*", "", text).strip()
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if s]
    return " ".join(sentences[:3]).strip()


def write_reply(llm: LoadedLLM, ctx: TurnContext, max_new_tokens: int = 48) -> Generation:
    """Her reply, never empty: an empty, non-Korean or crisis-line reply is retried with sampling;
    so is a refusal of a message the screen cleared (the small adapter over-refuses look-alikes; for
    a message it is surest of, `ctx.steer`, the last try is decoded with declining phrases ruled
    out), a reply in 존댓말, a reply that plays along with romance or politics the screen is sure of,
    and one that omits or contradicts the fact the message asks about (`ctx.facts`). After the
    retries the last Korean reply stands, else a polite fallback; a request she must decline gets
    her canned refusal, a fact question her own answer from the fact sheet."""
    tuned = llm.adapter is not None  # the adapter learned the persona; the base model is told it
    prompt = reply_prompt(ctx, tuned=tuned, few_shot=not tuned)
    fact = ctx.facts[0] if ctx.facts else None
    day = date.fromisoformat(ctx.now[:10])
    best: str | None = None
    tokens, seconds = 0, 0.0  # summed over attempts, so latency figures include retries
    # A cleared message the screen is less sure of gets one resample: if the model declines it twice,
    # the refusal stands (a third, sampled try wrote "그런 민증은 없어!" to a forged-ID request).
    attempts = 3 if ctx.steer or ctx.decline or fact else 2
    for attempt in range(attempts):
        if attempt:
            torch.manual_seed(attempt)
        if ctx.steer and attempt == attempts - 1:  # twice declined: greedy, steered off declining
            gen = generate(llm, prompt, max_new_tokens, stops=(MARKER, "\n\n"), avoid=STEER_OFF)
        else:
            gen = generate(llm, prompt, max_new_tokens, stops=(MARKER, "\n\n"), sample=attempt > 0)
        tokens, seconds = tokens + gen.tokens, seconds + gen.seconds
        text = clean_reply(gen.text)
        if len(text) < 2 or not re.search(r"[가-힣]", text) or _CRISIS_LINE.search(text):
            continue
        wrong = contradicted_fact(text)  # her birthday or MBTI stated wrong, asked about or not
        if wrong:
            fact = fact or wrong  # so a last failure is answered from her fact sheet
            continue
        if uses_jondae(text):  # she speaks 반말 to everyone; kept only if no try does better
            best = best or text
            continue
        best = text
        if ctx.cleared and declines(text):
            continue
        if ctx.decline and not declines(text):
            continue
        if fact and not ctx.decline and not states_fact(text, fact, day):
            continue
        break
    if ctx.decline and (best is None or not declines(best)):
        return Generation(refusal_reply(ctx.decline, len(ctx.message)), tokens, seconds, canned=True)
    if fact and (best is None or not states_fact(best, fact, day)):
        return Generation(fact_answer(fact, day), tokens, seconds, canned=True)
    if best is None:
        return Generation(FALLBACK_REPLY, tokens, seconds, canned=True)
    return Generation(best, tokens, seconds)


# When "[" is at least this likely relative to "없음" as the analysis's first token, the memory list
# is opened and the model fills it in. `ohlora eval analysis --sweep` on the persona validation
# split (41 of 233 turns with a memory to store): at 0.1 recall 49 %, precision 14 %, and 54 % of
# memory-free turns stored one ([반려동물: 분수 나눗셈]); at 0.3 44 / 26 / 20 %; at 0.5 41 / 52 / 6 %,
# the best F1 (0.46 against 0.22 at 0.1). Junk a user sees under /memory costs more than a missed fact.
MEMORY_OPEN_RATIO = 0.5
# Token budgets of the analysis's two free lines (a memory list, a summary): the longest written
# targets take ~30 tokens; a line cut at the budget is kept as it is.
LINE_TOKENS = 40


def memory_open_probability(llm: LoadedLLM, prompt: str) -> float:
    """P(" [") against P(" 없음") as the first token after the analysis prompt's `### 기억:`."""
    return CachedDecoder(llm.tokenizer, llm.model, prompt).first_token_odds(" [", " 없음")


def analyze_turn(
    llm: LoadedLLM, message: str, reply: str, now: str, open_ratio: float = MEMORY_OPEN_RATIO
) -> TurnAnalysis:
    """One greedy pass over the structured output yields memories, summary and expression.

    The scaffold between the fields is fed, not generated, and the expression levels are chosen
    among the valid ones (`CachedDecoder`), so the output is always well-formed; a missing summary
    is still repaired by `parse_analysis`. No repetition penalty: the fields repeat words by design
    (with the reply's 1.15, "보통" after "눈 보통" was pushed aside and "고개 많이" came out on most
    turns). `open_ratio` 0 always opens the memory list, above 1 never forces it either way (the
    model then decides alone, as the prompted base model always does).
    """
    prompt = analysis_prompt(message, reply, now, few_shot=llm.adapter is None)
    decoder = CachedDecoder(llm.tokenizer, llm.model, prompt)
    if llm.adapter is None or open_ratio > 1:
        memories = decoder.line(LINE_TOKENS)
    elif open_ratio <= 0 or decoder.first_token_odds(" [", " 없음") >= open_ratio:
        decoder.force(" [")
        memories = " [" + decoder.line(LINE_TOKENS)
    else:
        decoder.force(" 없음\n")
        memories = " 없음"
    decoder.force(f"{MARKER} 요약:")
    summary = decoder.line(LINE_TOKENS)
    decoder.force(f"{MARKER} 표정: 눈")
    eyes = decoder.choose([f" {level}" for level in EYES_LEVELS])
    decoder.force(", 입")
    mouth = decoder.choose([f" {level}" for level in MOUTH_LEVELS])
    decoder.force(", 고개")
    pose = decoder.choose([f" {level}" for level in POSE_LEVELS])
    completion = f"{memories}\n{MARKER} 요약:{summary}\n{MARKER} 표정: 눈{eyes}, 입{mouth}, 고개{pose}"
    return parse_analysis(completion, message)
