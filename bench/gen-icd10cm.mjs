#!/usr/bin/env node
// Generates a synthetic, full-size ICD-10-CM order file (icd10cm_order_YYYY.txt layout) for
// benchmarking the importer: 98,000 rows (~74,700 billable), deterministic (seeded PRNG).
// The codes and descriptions are invented; they only look like ICD-10-CM.
//
//   node bench/gen-icd10cm.mjs <out.txt> [--rows 98000] [--seed 2026]
//
// Fixed width: cols 1-5 order number (zero padded), 6 blank, 7-13 code without dot (padded),
// 14 blank, 15 billable flag 0/1, 16 blank, 17-76 short description, 77 blank, 78- long description.
import { writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const out = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
if (!out) {
  process.stderr.write('usage: node bench/gen-icd10cm.mjs <out.txt> [--rows 98000] [--seed 2026]\n');
  process.exit(2);
}
const TOTAL = opt('rows', 98000);
const SEED = opt('seed', 2026);

// mulberry32
let state = SEED >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const chance = (p) => rand() < p;
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
function sample(xs, k) {
  const copy = [...xs];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, k).sort();
}

const HEADS = [
  'Osteoporosis with current pathological fracture', 'Osteoporosis without current pathological fracture',
  'Age-related osteoporosis with current pathological fracture', 'Pathological fracture, not elsewhere classified',
  'Fracture of lower end of radius', 'Fracture of shaft of femur', 'Stress fracture', 'Disorder of continuity of bone',
  'Other disorders of bone density and structure', 'Osteomyelitis', 'Malignant neoplasm', 'Benign neoplasm',
  'Diabetes mellitus due to underlying condition', 'Chronic kidney disease', 'Essential hypertension',
  'Acute myocardial infarction', 'Pneumonia due to other organisms', 'Crohn disease', 'Rheumatoid arthritis',
  'Spondylosis', 'Intervertebral disc disorders', 'Dislocation and sprain of joints', 'Contusion',
  'Open wound', 'Burn of second degree', 'Poisoning by, adverse effect of and underdosing of drugs',
  'Long term (current) drug therapy', 'Encounter for screening', 'Personal history of fracture',
  'Abnormalities of gait and mobility', 'Fall on same level', 'Complication of internal orthopedic prosthetic devices',
];
const SITES = [
  'shoulder', 'humerus', 'forearm', 'hand', 'femur', 'lower leg', 'ankle and foot', 'vertebra(e)', 'pelvis',
  'radius', 'ulna', 'tibia', 'fibula', 'clavicle', 'scapula', 'rib(s)', 'skull', 'cervical region', 'thoracic region',
  'lumbar region', 'sacral and sacrococcygeal region', 'multiple sites', 'other site', 'upper arm', 'thigh',
];
const LATERALITY = ['right', 'left', 'unspecified'];
const QUALIFIERS = [
  'unspecified', 'other specified', 'with complication', 'without complication', 'with hemorrhage',
  'displaced', 'nondisplaced', 'closed', 'open', 'in remission', 'recurrent', 'acute', 'chronic',
  'with delayed healing', 'with nonunion', 'with malunion', 'drug-induced', 'due to trauma', 'sequela',
];
const EXTENSIONS = {
  fracture: [
    ['A', 'initial encounter for fracture'], ['D', 'subsequent encounter for fracture with routine healing'],
    ['G', 'subsequent encounter for fracture with delayed healing'], ['K', 'subsequent encounter for fracture with nonunion'],
    ['P', 'subsequent encounter for fracture with malunion'], ['S', 'sequela'],
  ],
  open: [
    ['A', 'initial encounter for closed fracture'], ['B', 'initial encounter for open fracture type I or II'],
    ['C', 'initial encounter for open fracture type IIIA, IIIB, or IIIC'], ['D', 'subsequent encounter for closed fracture with routine healing'],
    ['E', 'subsequent encounter for open fracture type I or II with routine healing'], ['F', 'subsequent encounter for open fracture type IIIA, IIIB, or IIIC with routine healing'],
    ['G', 'subsequent encounter for closed fracture with delayed healing'], ['H', 'subsequent encounter for open fracture type I or II with delayed healing'],
    ['J', 'subsequent encounter for open fracture type IIIA, IIIB, or IIIC with delayed healing'], ['K', 'subsequent encounter for closed fracture with nonunion'],
    ['M', 'subsequent encounter for open fracture type I or II with nonunion'], ['N', 'subsequent encounter for open fracture type IIIA, IIIB, or IIIC with nonunion'],
    ['P', 'subsequent encounter for closed fracture with malunion'], ['Q', 'subsequent encounter for open fracture type I or II with malunion'],
    ['R', 'subsequent encounter for open fracture type IIIA, IIIB, or IIIC with malunion'], ['S', 'sequela'],
  ],
  injury: [['A', 'initial encounter'], ['D', 'subsequent encounter'], ['S', 'sequela']],
};
const ABBREV = [
  [/\bwithout\b/g, 'w/o'], [/\bwith\b/g, 'w'], [/\bfracture\b/g, 'fx'], [/\bpathological\b/g, 'path'],
  [/\bencounter\b/g, 'encntr'], [/\bunspecified\b/g, 'unsp'], [/\bsubsequent\b/g, 'subs'], [/\binitial\b/g, 'init'],
  [/\bOther\b/g, 'Oth'], [/\bother\b/g, 'oth'], [/\bright\b/g, 'r'], [/\bleft\b/g, 'l'], [/\bosteoporosis\b/gi, 'osteopor'],
  [/\bvertebra\(e\)/g, 'verteb'], [/\bdelayed\b/g, 'delay'], [/\broutine\b/g, 'rout'], [/\bhealing\b/g, 'heal'],
  [/\bdisplaced\b/g, 'displ'], [/\bnondisplaced\b/g, 'nondisp'], [/\bregion\b/g, 'rgn'],
];

function clip(text, max) {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const sp = cut.lastIndexOf(' ');
  return (sp > max * 0.6 ? cut.slice(0, sp) : cut).replace(/[ ,]+$/, '');
}
function shortOf(long) {
  if (long.length <= 60) return long;
  let s = long;
  for (const [re, to] of ABBREV) s = s.replace(re, to);
  return clip(s, 60);
}

const rows = [];
let billable = 0;
function emit(code, long, isBillable) {
  // real long descriptions are 20-200 characters
  const l = clip(long.length < 20 ? `${long} of ${pick(SITES)}, ${pick(QUALIFIERS)}` : long, 200);
  rows.push([code, isBillable, shortOf(l), l]);
  if (isBillable) billable++;
}

function addExtensions(code6, long, kind) {
  for (const [ch, text] of EXTENSIONS[kind]) emit(`${code6}${ch}`, `${long}, ${text}`, true);
}

/** A category (3 characters) with its subtree; returns the number of rows it made. */
function category(code3, letter) {
  const head = pick(HEADS);
  const heavy = 'STVWXY'.includes(letter) || (letter === 'M' && chance(0.4)) || (letter === 'O' && chance(0.3));
  if (!heavy && chance(0.25)) {
    emit(code3, `${head}${chance(0.5) ? ` of ${pick(SITES)}` : ''}`, true);
    return;
  }
  emit(code3, head, false);
  const subs = sample(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], heavy ? int(4, 10) : int(3, 9));
  for (const d4 of subs) {
    const code4 = code3 + d4;
    const site = d4 === '0' ? 'unspecified site' : pick(SITES);
    const long4 = d4 === '9' ? `${head}, unspecified` : `${head}, ${site}`;
    if (heavy) {
      const kind = letter === 'S' && chance(0.5) ? 'open' : 'TVWXY'.includes(letter) || (letter === 'S' && chance(0.25)) ? 'injury' : 'fracture';
      if (chance(0.3)) {
        // 4-character subcategory needing a 7th character: XX placeholders
        emit(code4, long4, false);
        addExtensions(`${code4}XX`, long4, kind);
        continue;
      }
      emit(code4, long4, false);
      for (const d5 of sample(['0', '1', '2', '3', '4', '5', '9'], int(2, 6))) {
        const code5 = code4 + d5;
        const long5 = `${long4}, ${d5 === '9' ? 'unspecified' : pick(QUALIFIERS)}`;
        emit(code5, long5, false);
        if (chance(0.85)) {
          addExtensions(`${code5}X`, long5, kind);
        } else {
          for (const d6 of sample(['1', '2', '9'], int(1, 3))) {
            const long6 = `${long5}, ${d6 === '1' ? 'right' : d6 === '2' ? 'left' : 'unspecified'} ${pick(SITES)}`;
            emit(code5 + d6, long6, false);
            addExtensions(code5 + d6, long6, kind);
          }
        }
      }
    } else if (chance(0.65)) {
      emit(code4, long4, true);
    } else {
      emit(code4, long4, false);
      for (const d5 of sample(['0', '1', '2', '3', '9'], int(2, 5))) {
        const code5 = code4 + d5;
        const long5 = `${long4}, ${d5 === '9' ? 'unspecified' : pick(LATERALITY)} ${pick(QUALIFIERS)}`;
        if (chance(0.12)) {
          emit(code5, long5, false);
          for (const d6 of sample(['1', '2', '9'], int(2, 3))) emit(code5 + d6, `${long5}, ${pick(QUALIFIERS)}`, true);
        } else {
          emit(code5, long5, true);
        }
      }
    }
  }
}

const letters = 'ABCDEFGHIJKLMNOPQRSTVWXYZ'.split('');
const categories = [];
for (const letter of letters) for (let n = 0; n < 100; n++) categories.push(`${letter}${String(n).padStart(2, '0')}`);
// extra alphanumeric categories like C4A, D3A, M1A
for (const c of ['C4A', 'C7A', 'C7B', 'D3A', 'J4A', 'M1A', 'Z3A']) categories.push(c);
categories.sort();

// keep the categories in order; fill until the target, then trim to whole categories and
// pad with billable 3-character categories so the file has exactly TOTAL rows
const chosen = categories.filter(() => chance(0.84));
for (const code3 of chosen) {
  const before = rows.length;
  const beforeBillable = billable;
  category(code3, code3[0]);
  if (rows.length > TOTAL) {
    for (const r of rows.splice(before)) if (r[1]) billable--;
    if (billable !== beforeBillable) throw new Error('bookkeeping');
    break;
  }
}
const used = new Set(rows.map((r) => r[0]));
const spare = categories.filter((c) => !used.has(c));
let padded = 0;
while (rows.length < TOTAL) {
  const code3 = spare.shift();
  if (code3 === undefined) throw new Error('ran out of categories; lower --rows');
  emit(code3, `${pick(HEADS)} of ${pick(SITES)}`, true);
  padded++;
}
// tabular order: by code, a parent before its children (string order does that)
rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

const lines = rows.map(([code, isBillable, short, long], i) =>
  `${String(i + 1).padStart(5, '0')} ${code.padEnd(7)} ${isBillable ? '1' : '0'} ${short.padEnd(60)} ${long}`,
);
writeFileSync(out, `${lines.join('\n')}\n`, 'latin1');
process.stderr.write(`wrote ${out}: ${rows.length} rows, ${billable} billable, ${rows.length - billable} headers (seed ${SEED}, ${padded} filler categories)\n`);
