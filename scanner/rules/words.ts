/**
 * Does an all-caps candidate read as English words? Identifiers and enum names that happen to fit
 * the key-id shape (`ASIA` + `PACIFICREGIONS…`) do; the 16 random base32 characters of a real key id
 * practically never do: covering 12 of them with 3+-letter words from this list happens for about one
 * random body in 10^7 (each 3-letter slice is a listed word with p ≈ 0.005, and it takes 3 or 4).
 */
const WORDS = new Set(
  [
    'ACCESS ACCOUNT ACTION ACTIVE ADMIN AFRICA ALL ALLOW AMERICA AND API APP ARE ASIA AUTH AWS BACK BASE BETA',
    ' BILLING BLOCK BUCKET BUILD CACHE CANADA CENTRAL CHINA CLIENT CLOUD CODE CONFIG CONSOLE CREATE CREDENTIAL',
    ' DATA DEFAULT DELETE DENY DEPLOY DEV DISABLED EAST ENABLED END ERROR EUROPE EVENT EXPIRED FAILED FILE FOR',
    ' FROM GATEWAY GET GLOBAL GROUP HOST IAM INDIA INFO INVALID ISSUE JAPAN KEY KOREA LAMBDA LIMIT LIST LOCAL LOG',
    ' MAIN MANAGER MAX MESSAGE MIN MISSING MODE NAME NETWORK NEW NODE NORTH NOT NULL OCEAN OFF OLD ONE ONLY OUT',
    ' OWNER PACIFIC PAGE PATH POLICY PORT PREFIX PRIVATE PROD PROFILE PUBLIC QUEUE READ REGION REQUEST RESOURCE',
    ' ROLE ROOT RULE SECRET SERVER SERVICE SESSION SET SINGAPORE SOUTH STAGE START STATE STATUS STOP STORE',
    ' SUCCESS SYDNEY SYSTEM TABLE TEMP TEST THE TIME TOKEN TOKYO TYPE UNKNOWN UPDATE USER VALID VALUE VERSION',
    ' WEST WITH WRITE ZONE',
  ]
    .join('')
    .split(' '),
);
const MIN_WORD = 3;
const MAX_WORD = 10;
const MAX_UNCOVERED = 4;

/** The words of MIN_WORD to MAX_WORD letters as a trie by character code: no substring is made to look one up. */
interface TrieNode {
  next: Map<number, TrieNode>;
  word: boolean;
}

const TRIE: TrieNode = { next: new Map(), word: false };
for (const word of WORDS) {
  if (word.length < MIN_WORD || word.length > MAX_WORD) continue;
  let node = TRIE;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    let child = node.next.get(code);
    if (!child) node.next.set(code, (child = { next: new Map(), word: false }));
    node = child;
  }
  node.word = true;
}

/** True when words of the list cover all but at most 4 characters of `text` (upper case). */
export function readsAsWords(text: string): boolean {
  // best[i]: fewest uncovered characters in text[0, i) — linear DP over a bounded word length, each
  // position relaxing the positions its words (found along the trie) reach.
  const best = new Array<number>(text.length + 1).fill(Infinity);
  best[0] = 0;
  for (let i = 0; i < text.length; i++) {
    best[i + 1] = Math.min(best[i + 1]!, best[i]! + 1);
    let node: TrieNode | undefined = TRIE;
    for (let end = i; end < Math.min(text.length, i + MAX_WORD) && node; end++) {
      node = node.next.get(text.charCodeAt(end));
      if (node?.word && end + 1 - i >= MIN_WORD) best[end + 1] = Math.min(best[end + 1]!, best[i]!);
    }
  }
  return best[text.length]! <= MAX_UNCOVERED;
}
