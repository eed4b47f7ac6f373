#!/usr/bin/env python3
"""Builds assets/wordnet/wordnet.bin, the lexical resource Archivist reads paraphrases from,
out of the WordNet 3.0 database files (Princeton's, as Debian's `wordnet-base` package ships
them in /usr/share/wordnet).

    apt-get download wordnet-base && dpkg-deb -x wordnet-base_*.deb /tmp/wn
    python3 tools/wordnet/build.py /tmp/wn/usr/share/wordnet assets/wordnet/wordnet.bin

The file keeps WordNet's structure, so that the engine (src/lexicon/) decides what a
paraphrase is, not this script: every lemma (lower case, `_` as a space) with its senses in
WordNet's own order (most frequent first), every synset with its members and its semantic
pointers (hypernym, hyponym, instance, similar-to, also-see, verb group, attribute), the
lexical pointers between words (derivation, pertainym, participle, antonym), the irregular forms of the
morphology exception lists (`fled` → `flee`), and two flags per synset: under `location` or
`structure` (places), under `person` (people).

Format (little-endian u32 unless said): magic b"WNA2"; counts: words, synsets, lex pointers,
sense entries, member entries, pointer entries, exceptions; then arrays, each 4-byte aligned:
  word_offsets[words+1]   byte offsets into the word text
  word_text               the sorted lemmas, UTF-8, concatenated (padded to 4)
  sense_offsets[words+1]  into senses
  senses[]                synset ids
  sense_counts[]          how often each sense was tagged in WordNet's concordance (cntlist)
  lex_offsets[words+1]    into lex
  lex[]                   kind << 28 | target word id
  synset_info[synsets]    pos (0 n, 1 v, 2 a, 3 r) | flags << 8 (1 place, 2 person)
                          | lexicographer file << 16 (WordNet's lexnames: 32 verb.communication …)
  member_offsets[synsets+1], members[]   word ids
  ptr_offsets[synsets+1], ptrs[]         kind << 28 | target synset id
  exceptions[]            pairs (form word id, base word id), sorted by form
Pointer kinds: 1 hypernym, 2 hyponym, 3 instance hypernym, 4 instance hyponym, 5 similar to,
6 also see, 7 verb group, 8 attribute, 9 derivation, 10 pertainym, 11 participle, 12 antonym.
"""
import struct
import sys

POS = [("n", "noun"), ("v", "verb"), ("a", "adj"), ("r", "adv")]
POS_ID = {"n": 0, "v": 1, "a": 2, "s": 2, "r": 3}
SEMANTIC = {"@": 1, "~": 2, "@i": 3, "~i": 4, "&": 5, "^": 6, "$": 7, "=": 8}
LEXICAL = {"+": 9, "\\": 10, "<": 11, "!": 12}
ROOTS = {("n", "00027167"): 1, ("n", "04341686"): 1, ("n", "00007846"): 2}


def lemma(word):
    # Adjective markers such as "(a)" and "(p)" are not part of the word.
    return word.split("(")[0].replace("_", " ").lower()


def main(src, out):
    synsets = {}  # (pos, offset) -> [members, semantic ptrs, lexical ptrs]
    keyinfo = {}  # (pos, offset) -> (ss_type, lex_filenum, [lex ids], head synset or None)
    senses = {}  # lemma -> [(pos, offset)] in index order, nouns first
    for p, name in POS:
        for line in open(f"{src}/data.{name}", encoding="utf-8"):
            if line.startswith(" "):
                continue
            f = line.split("|")[0].split()
            off, wc = f[0], int(f[3], 16)
            members = [lemma(f[4 + 2 * i]) for i in range(wc)]
            lex_ids = [int(f[5 + 2 * i], 16) for i in range(wc)]
            i = 4 + 2 * wc
            ptrs, lex = [], []
            for _ in range(int(f[i])):
                sym, toff, tpos, st = f[i + 1 : i + 5]
                i += 4
                tpos = "a" if tpos == "s" else tpos
                src_w, tgt_w = int(st[:2], 16), int(st[2:], 16)
                if src_w == 0 and sym in SEMANTIC:
                    ptrs.append((SEMANTIC[sym], (tpos, toff)))
                elif src_w and sym in LEXICAL:
                    lex.append((src_w - 1, LEXICAL[sym], (tpos, toff), tgt_w - 1))
            synsets[(p, off)] = [members, ptrs, lex]
            head = next((t for k, t in ptrs if k == 5), None) if f[2] == "s" else None
            keyinfo[(p, off)] = (f[2], int(f[1]), lex_ids, head)
        for line in open(f"{src}/index.{name}", encoding="utf-8"):
            if line.startswith(" "):
                continue
            f = line.split()
            pcnt = int(f[3])
            offs = f[4 + pcnt + 2 :]
            senses.setdefault(lemma(f[0]), []).extend((p, o) for o in offs)
    counts = {}
    for line in open(f"{src}/cntlist.rev", encoding="utf-8"):
        f = line.split()
        if len(f) == 3:
            counts[f[0]] = int(f[2])
    ss_num = {"n": 1, "v": 2, "a": 3, "r": 4, "s": 5}

    def sense_count(word, k):
        ss_type, filenum, lex_ids, head = keyinfo[k]
        members = synsets[k][0]
        if word not in members:
            return 0
        lex_id = lex_ids[members.index(word)]
        head_part = ":"
        if ss_type == "s" and head in synsets:
            h_members = synsets[head][0]
            head_part = f"{h_members[0].replace(' ', '_')}:{keyinfo[head][2][0]:02d}"
        key = f"{word.replace(' ', '_')}%{ss_num[ss_type]}:{filenum:02d}:{lex_id:02d}:{head_part}"
        return counts.get(key, 0)

    exceptions = []
    for p, name in POS:
        for line in open(f"{src}/{name}.exc", encoding="utf-8"):
            f = line.split()
            if len(f) >= 2:
                for base in f[1:]:
                    exceptions.append((lemma(f[0]), lemma(base)))

    words = set(senses)
    for members, _, _ in synsets.values():
        words.update(members)
    for form, base in exceptions:
        words.update((form, base))
    words = sorted(words, key=lambda w: w.encode("utf-8"))
    wid = {w: i for i, w in enumerate(words)}
    keys = sorted(synsets)
    sid = {k: i for i, k in enumerate(keys)}

    # Flags: a synset is a place (or a person) when a chain of hypernyms reaches a root.
    flags = {}

    def flag(k, seen=()):
        if k in flags:
            return flags[k]
        f = ROOTS.get(k, 0)
        if k not in seen:
            for kind, t in synsets[k][1]:
                if kind in (1, 3):
                    f |= flag(t, seen + (k,))
        flags[k] = f
        return f

    for k in keys:
        flag(k)

    lex_by_word = {}
    for k in keys:
        members, _, lex = synsets[k]
        for src_i, kind, t, tgt_i in lex:
            tm = synsets[t][0]
            if src_i < len(members) and tgt_i < len(tm):
                lex_by_word.setdefault(wid[members[src_i]], set()).add((kind, wid[tm[tgt_i]]))

    text = b"".join(w.encode("utf-8") for w in words)
    word_offsets, pos = [0], 0
    for w in words:
        pos += len(w.encode("utf-8"))
        word_offsets.append(pos)
    sense_offsets, sense_list, count_list = [0], [], []
    lex_offsets, lex_list = [0], []
    for i, w in enumerate(words):
        for k in senses.get(w, []):
            if k in sid:
                sense_list.append(sid[k])
                count_list.append(sense_count(w, k))
        sense_offsets.append(len(sense_list))
        lex_list.extend(kind << 28 | t for kind, t in sorted(lex_by_word.get(i, ())))
        lex_offsets.append(len(lex_list))
    info, member_offsets, member_list = [], [0], []
    ptr_offsets, ptr_list = [0], []
    for k in keys:
        members, ptrs, _ = synsets[k]
        info.append(POS_ID[k[0]] | flags[k] << 8 | keyinfo[k][1] << 16)
        member_list.extend(wid[m] for m in members)
        member_offsets.append(len(member_list))
        ptr_list.extend(kind << 28 | sid[t] for kind, t in ptrs if t in sid)
        ptr_offsets.append(len(ptr_list))
    exc = sorted({(wid[f], wid[b]) for f, b in exceptions if f != b})

    def u32s(xs):
        return struct.pack(f"<{len(xs)}I", *xs)

    with open(out, "wb") as o:
        o.write(b"WNA2")
        o.write(
            u32s([len(words), len(keys), len(lex_list), len(sense_list), len(member_list), len(ptr_list), len(exc)])
        )
        o.write(u32s(word_offsets))
        o.write(text + b"\0" * (-len(text) % 4))
        for arr in (sense_offsets, sense_list, count_list, lex_offsets, lex_list, info, member_offsets, member_list, ptr_offsets, ptr_list):
            o.write(u32s(arr))
        o.write(u32s([x for pair in exc for x in pair]))
    print(f"{sum(1 for c in count_list if c)} senses with counts; {len(words)} words, {len(keys)} synsets, {len(ptr_list)} pointers, {len(lex_list)} lexical pointers, {len(exc)} exceptions")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
