// UI strings in English and Khmer. Elements carry data-i18n="key" (text), data-i18n-placeholder,
// data-i18n-aria-label or data-i18n-title; applyI18n() fills them from the current language.
// Values are plain text (set with textContent / setAttribute), never HTML.

export const STRINGS = {
  en: {
    appTitle: "PolicyKB",
    appSubtitle: "Cambodian digital policies — cited answers in Khmer and English",
    skipToContent: "Skip to content",
    tabAsk: "Ask",
    tabSearch: "Search",
    tabAlign: "Alignment",
    tabsLabel: "Views",
    langSwitch: "Interface language",
    // ask
    askHeading: "Ask the documents",
    askIntro: "Ask in Khmer or English. Every sentence of the answer cites the passage it comes from.",
    questionLabel: "Your question",
    questionPlaceholder: "Type a question in Khmer or English…",
    send: "Send",
    enterHint: "Enter sends, Shift+Enter starts a new line.",
    newConversation: "New conversation",
    answeringAbout: "Answering about:",
    conversationLabel: "Conversation",
    emptyConversation: "No questions yet. Try: “Which policies cover cybersecurity capacity building?”",
    you: "You",
    assistant: "PolicyKB",
    searching: "Searching the documents…",
    stopped: "Stopped.",
    stop: "Stop",
    errorTimeout: "The server did not answer in time. Your question is kept: retry, or edit it and send again.",
    questionCount: "{n} / {limit} characters",
    questionTooLong: "Your question is {n} characters; the limit is {limit}. Shorten it to send.",
    notFound: "No answer was found in the indexed documents.",
    closestDocuments: "Closest documents:",
    note: "Note:",
    copyAnswer: "Copy with citations",
    copied: "Copied",
    copyFailed: "Copy failed",
    helpful: "Helpful",
    notHelpful: "Not helpful",
    feedbackThanks: "Thank you — your rating was saved.",
    feedbackFailed: "Your rating could not be saved.",
    commentLabel: "Comment (optional)",
    commentSend: "Send comment",
    commentSaved: "Comment saved.",
    citedPassages: "Cited passages",
    citedEmpty: "The passages an answer cites appear here.",
    sourceLabel: "Source {n}: {title}, page {page}",
    // errors
    retry: "Retry",
    errorServer: "The server could not answer ({status}): {detail}",
    errorNetwork: "The server could not be reached. Check the connection and retry.",
    errorStream: "The answer stopped with an error: {detail}",
    errorIncomplete: "The answer stopped before it was complete.",
    errorUnauthorized: "An API key is needed ({detail}). Sign in to continue.",
    // sign-in
    signIn: "Sign in",
    signOut: "Sign out",
    cancel: "Cancel",
    signinHeading: "Sign in with an API key",
    signinKeyLabel: "API key",
    signinHint: "Your administrator gives you a key. It is kept only in this browser tab and forgotten when the tab is closed.",
    signinIntro: "Paste your API key to sign in.",
    signinNeeded: "This server needs an API key to search and read documents. Paste your key to sign in.",
    signinExpired: "Your key is no longer accepted (it may have been revoked). Sign in again.",
    signinRejected: "That key was not accepted: it is unknown or revoked. Check it and try again.",
    signinFailed: "The key could not be checked right now. Try again in a moment.",
    signinEmpty: "Paste a key first.",
    signinChecking: "Checking the key…",
    signedInAs: "Signed in: {role} ({id})",
    role_reader: "reader",
    role_editor: "editor",
    role_admin: "admin",
    // search
    searchHeading: "Search passages",
    queryLabel: "Search for",
    queryPlaceholder: "Words or a question, in Khmer or English",
    filters: "Filters",
    language: "Language",
    docType: "Document type",
    issuingBody: "Issuing body",
    country: "Country",
    yearFrom: "Year from",
    yearTo: "Year to",
    any: "Any",
    searchButton: "Search",
    resultsCount: "{n} passages ({ms} ms)",
    noResults: "No passages match. Try other words or fewer filters.",
    yearOrder: "“Year from” must not be after “Year to”.",
    showPassage: "Show passage",
    twinsLabel: "Same item in the other language:",
    moreInDocument: "+{n} more in this document",
    lessInDocument: "Hide the further passages",
    filtersActive: "({n} set)",
    page: "page {n}",
    pageShort: "p. {n}",
    pagePrinted: "p. {label} (PDF p. {n})",
    // source viewer
    sourceHeading: "Source",
    sourceEmpty: "Choose a citation, result or evidence to see its passage here.",
    openPdf: "Open the PDF at page {n} (new tab)",
    openOriginal: "Download the original file",
    close: "Close",
    loading: "Loading…",
    passageNotLocated: "The exact passage could not be located on this page; the whole page is shown.",
    // alignment
    alignHeading: "Policy alignment",
    alignIntro: "Check which national policy strategies the mechanisms of a plan or meeting record support.",
    alignSource: "What to check",
    alignFromDoc: "An indexed document",
    alignFromText: "Pasted text",
    alignDocLabel: "Document",
    alignTextLabel: "Text of the plan or meeting record",
    alignTextPlaceholder: "Paste the mechanisms / objectives, e.g. “1- Management of human resources …”",
    alignRun: "Check alignment",
    downloadMd: "Download Markdown",
    downloadCsv: "Download CSV",
    alignCaption: "Mechanisms of {doc} and the policy strategies they align with",
    mechanism: "Mechanism",
    policy: "Policy",
    strategy: "Strategy",
    verdict: "Verdict",
    score: "Score",
    evidence: "Evidence",
    verdict_strong: "Strong",
    verdict_partial: "Partial",
    verdict_none: "None",
    noAlignment: "No policy strategy matches this mechanism.",
    gap: "Gap: no national strategy in the index supports it",
    noMechanisms: "No numbered mechanisms or objectives were found in this text.",
    unaddressed: "Policy strategies that no mechanism addresses",
    alignNeedText: "Paste some text first.",
    alignNeedDoc: "Choose a document first.",
    aligning: "Checking alignment…",
    alignProgress: "Mechanism {k} of {n}",
    alignStopped: "Alignment stopped.",
    downloading: "Downloading…",
    pastedText: "the pasted text",
    // document types and languages
    type_policy: "Policy",
    type_law_regulation: "Law / regulation",
    type_meeting_record: "Meeting record",
    type_news: "News",
    type_plan_draft: "Plan draft",
    type_other: "Other",
    lang_km: "Khmer",
    lang_en: "English",
    lang_mixed: "Mixed",
  },
  km: {
    appTitle: "PolicyKB",
    appSubtitle: "គោលនយោបាយឌីជីថលកម្ពុជា — ចម្លើយមានឯកសារយោង ជាភាសាខ្មែរ និងអង់គ្លេស",
    skipToContent: "រំលងទៅខ្លឹមសារ",
    tabAsk: "សួរសំណួរ",
    tabSearch: "ស្វែងរក",
    tabAlign: "ការតម្រឹមគោលនយោបាយ",
    tabsLabel: "ទិដ្ឋភាព",
    langSwitch: "ភាសាចំណុចប្រទាក់",
    askHeading: "សួរឯកសារ",
    askIntro: "សួរជាភាសាខ្មែរ ឬអង់គ្លេស។ ប្រយោគនីមួយៗនៃចម្លើយ យោងទៅអត្ថបទដែលវាបានមកពី។",
    questionLabel: "សំណួររបស់អ្នក",
    questionPlaceholder: "សរសេរសំណួរជាភាសាខ្មែរ ឬអង់គ្លេស…",
    send: "ផ្ញើ",
    enterHint: "ចុច Enter ដើម្បីផ្ញើ, Shift+Enter ដើម្បីចុះបន្ទាត់។",
    newConversation: "ការសន្ទនាថ្មី",
    answeringAbout: "ចម្លើយនេះនិយាយអំពី៖",
    conversationLabel: "ការសន្ទនា",
    emptyConversation: "មិនទាន់មានសំណួរនៅឡើយទេ។ សាកល្បង៖ «ការកសាងសមត្ថភាពសន្តិសុខសាយប័រ»",
    you: "អ្នក",
    assistant: "PolicyKB",
    searching: "កំពុងស្វែងរកក្នុងឯកសារ…",
    stopped: "បានបញ្ឈប់។",
    stop: "បញ្ឈប់",
    errorTimeout: "ម៉ាស៊ីនមេមិនបានឆ្លើយទាន់ពេលទេ។ សំណួររបស់អ្នកនៅរក្សាទុក៖ ព្យាយាមម្តងទៀត ឬកែវា ហើយផ្ញើម្តងទៀត។",
    questionCount: "{n} / {limit} តួអក្សរ",
    questionTooLong: "សំណួររបស់អ្នកមាន {n} តួអក្សរ ប៉ុន្តែដែនកំណត់គឺ {limit}។ សូមកាត់ឱ្យខ្លីជាងនេះ ដើម្បីផ្ញើ។",
    notFound: "រកមិនឃើញចម្លើយនៅក្នុងឯកសារដែលមានក្នុងប្រព័ន្ធទេ។",
    closestDocuments: "ឯកសារដែលជិតបំផុត៖",
    note: "កំណត់សម្គាល់៖",
    copyAnswer: "ចម្លងចម្លើយ និងឯកសារយោង",
    copied: "បានចម្លង",
    copyFailed: "ចម្លងមិនបាន",
    helpful: "មានប្រយោជន៍",
    notHelpful: "មិនមានប្រយោជន៍",
    feedbackThanks: "សូមអរគុណ — ការវាយតម្លៃរបស់អ្នកត្រូវបានរក្សាទុក។",
    feedbackFailed: "មិនអាចរក្សាទុកការវាយតម្លៃរបស់អ្នកបានទេ។",
    commentLabel: "មតិយោបល់ (ស្រេចចិត្ត)",
    commentSend: "ផ្ញើមតិយោបល់",
    commentSaved: "មតិយោបល់ត្រូវបានរក្សាទុក។",
    citedPassages: "អត្ថបទដែលបានយោង",
    citedEmpty: "អត្ថបទដែលចម្លើយយោង នឹងបង្ហាញនៅទីនេះ។",
    sourceLabel: "ប្រភព {n}៖ {title} ទំព័រ {page}",
    retry: "ព្យាយាមម្តងទៀត",
    errorServer: "ម៉ាស៊ីនមេមិនអាចឆ្លើយបានទេ ({status})៖ {detail}",
    errorNetwork: "មិនអាចភ្ជាប់ទៅម៉ាស៊ីនមេបានទេ។ សូមពិនិត្យការតភ្ជាប់ ហើយព្យាយាមម្តងទៀត។",
    errorUnauthorized: "ត្រូវការសោ API ({detail})។ សូមចូលប្រើដើម្បីបន្ត។",
    signIn: "ចូលប្រើ",
    signOut: "ចាកចេញ",
    cancel: "បោះបង់",
    signinHeading: "ចូលប្រើដោយសោ API",
    signinKeyLabel: "សោ API",
    signinHint: "អ្នកគ្រប់គ្រងប្រព័ន្ធផ្តល់សោឱ្យអ្នក។ សោនេះរក្សាទុកតែក្នុងផ្ទាំងកម្មវិធីរុករកនេះប៉ុណ្ណោះ ហើយត្រូវលុបចោលនៅពេលបិទផ្ទាំង។",
    signinIntro: "សូមបិទភ្ជាប់សោ API របស់អ្នក ដើម្បីចូលប្រើ។",
    signinNeeded: "ម៉ាស៊ីនមេនេះតម្រូវឱ្យមានសោ API ដើម្បីស្វែងរក និងអានឯកសារ។ សូមបិទភ្ជាប់សោរបស់អ្នក ដើម្បីចូលប្រើ។",
    signinExpired: "សោរបស់អ្នកលែងត្រូវបានទទួលយកទៀតហើយ (ប្រហែលជាត្រូវបានដកហូត)។ សូមចូលប្រើម្តងទៀត។",
    signinRejected: "សោនេះមិនត្រូវបានទទួលយកទេ៖ វាមិនស្គាល់ ឬត្រូវបានដកហូត។ សូមពិនិត្យ ហើយព្យាយាមម្តងទៀត។",
    signinFailed: "មិនអាចពិនិត្យសោបាននៅពេលនេះទេ។ សូមព្យាយាមម្តងទៀតបន្តិចក្រោយ។",
    signinEmpty: "សូមបិទភ្ជាប់សោជាមុនសិន។",
    signinChecking: "កំពុងពិនិត្យសោ…",
    signedInAs: "បានចូលប្រើ៖ {role} ({id})",
    role_reader: "អ្នកអាន",
    role_editor: "អ្នកកែសម្រួល",
    role_admin: "អ្នកគ្រប់គ្រង",
    errorStream: "ចម្លើយបានឈប់ដោយសារកំហុស៖ {detail}",
    errorIncomplete: "ចម្លើយបានឈប់មុនពេលបញ្ចប់។",
    searchHeading: "ស្វែងរកអត្ថបទ",
    queryLabel: "ស្វែងរក",
    queryPlaceholder: "ពាក្យ ឬសំណួរ ជាភាសាខ្មែរ ឬអង់គ្លេស",
    filters: "តម្រង",
    language: "ភាសា",
    docType: "ប្រភេទឯកសារ",
    issuingBody: "ស្ថាប័នចេញឯកសារ",
    country: "ប្រទេស",
    yearFrom: "ពីឆ្នាំ",
    yearTo: "ដល់ឆ្នាំ",
    any: "ទាំងអស់",
    searchButton: "ស្វែងរក",
    resultsCount: "អត្ថបទ {n} ({ms} មិល្លីវិនាទី)",
    noResults: "គ្មានអត្ថបទត្រូវគ្នាទេ។ សូមសាកល្បងពាក្យផ្សេង ឬតម្រងតិចជាងនេះ។",
    yearOrder: "«ពីឆ្នាំ» មិនត្រូវក្រោយ «ដល់ឆ្នាំ» ទេ។",
    showPassage: "បង្ហាញអត្ថបទ",
    twinsLabel: "ធាតុដដែលជាភាសាមួយទៀត៖",
    moreInDocument: "+{n} ទៀតក្នុងឯកសារនេះ",
    lessInDocument: "លាក់អត្ថបទបន្ថែម",
    filtersActive: "(កំណត់ {n})",
    page: "ទំព័រ {n}",
    pageShort: "ទំ. {n}",
    pagePrinted: "ទំ. {label} (PDF ទំ. {n})",
    sourceHeading: "ប្រភព",
    sourceEmpty: "ជ្រើសរើសឯកសារយោង លទ្ធផល ឬភស្តុតាង ដើម្បីមើលអត្ថបទរបស់វានៅទីនេះ។",
    openPdf: "បើក PDF នៅទំព័រ {n} (ផ្ទាំងថ្មី)",
    openOriginal: "ទាញយកឯកសារដើម",
    close: "បិទ",
    loading: "កំពុងផ្ទុក…",
    passageNotLocated: "រកមិនឃើញអត្ថបទពិតប្រាកដនៅលើទំព័រនេះទេ ដូច្នេះបង្ហាញទំព័រទាំងមូល។",
    alignHeading: "ការតម្រឹមគោលនយោបាយ",
    alignIntro: "ពិនិត្យថា យន្តការនៃផែនការ ឬកំណត់ហេតុប្រជុំ គាំទ្រយុទ្ធសាស្ត្រគោលនយោបាយជាតិណាខ្លះ។",
    alignSource: "អ្វីដែលត្រូវពិនិត្យ",
    alignFromDoc: "ឯកសារក្នុងប្រព័ន្ធ",
    alignFromText: "អត្ថបទបិទភ្ជាប់",
    alignDocLabel: "ឯកសារ",
    alignTextLabel: "អត្ថបទនៃផែនការ ឬកំណត់ហេតុប្រជុំ",
    alignTextPlaceholder: "បិទភ្ជាប់យន្តការ / គោលបំណង ឧ. «១- ការគ្រប់គ្រងធនធានមនុស្ស …»",
    alignRun: "ពិនិត្យការតម្រឹម",
    downloadMd: "ទាញយក Markdown",
    downloadCsv: "ទាញយក CSV",
    alignCaption: "យន្តការនៃ {doc} និងយុទ្ធសាស្ត្រគោលនយោបាយដែលស្របគ្នា",
    mechanism: "យន្តការ",
    policy: "គោលនយោបាយ",
    strategy: "យុទ្ធសាស្ត្រ",
    verdict: "លទ្ធផល",
    score: "ពិន្ទុ",
    evidence: "ភស្តុតាង",
    verdict_strong: "ស្របខ្លាំង",
    verdict_partial: "ស្របមួយផ្នែក",
    verdict_none: "មិនស្រប",
    noAlignment: "គ្មានយុទ្ធសាស្ត្រគោលនយោបាយណាត្រូវនឹងយន្តការនេះទេ។",
    gap: "ចន្លោះខ្វះខាត៖ គ្មានយុទ្ធសាស្ត្រជាតិណាមួយក្នុងប្រព័ន្ធគាំទ្រវាទេ",
    noMechanisms: "រកមិនឃើញយន្តការ ឬគោលបំណងដែលមានលេខរៀងក្នុងអត្ថបទនេះទេ។",
    unaddressed: "យុទ្ធសាស្ត្រគោលនយោបាយដែលគ្មានយន្តការណាមួយឆ្លើយតប",
    alignNeedText: "សូមបិទភ្ជាប់អត្ថបទជាមុនសិន។",
    alignNeedDoc: "សូមជ្រើសរើសឯកសារជាមុនសិន។",
    aligning: "កំពុងពិនិត្យការតម្រឹម…",
    alignProgress: "យន្តការទី {k} នៃ {n}",
    alignStopped: "បានបញ្ឈប់ការតម្រឹម។",
    downloading: "កំពុងទាញយក…",
    pastedText: "អត្ថបទដែលបានបិទភ្ជាប់",
    type_policy: "គោលនយោបាយ",
    type_law_regulation: "ច្បាប់ / បទប្បញ្ញត្តិ",
    type_meeting_record: "កំណត់ហេតុប្រជុំ",
    type_news: "ព័ត៌មាន",
    type_plan_draft: "សេចក្តីព្រាងផែនការ",
    type_other: "ផ្សេងៗ",
    lang_km: "ខ្មែរ",
    lang_en: "អង់គ្លេស",
    lang_mixed: "ចម្រុះ",
  },
};

export const LANGUAGES = ["en", "km"];
const STORAGE_KEY = "policykb.uiLanguage";
let current = initialLanguage();
const listeners = new Set();

function initialLanguage() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (LANGUAGES.includes(saved)) return saved;
  } catch { /* storage disabled: fall through */ }
  return (navigator.language || "").toLowerCase().startsWith("km") ? "km" : "en";
}

export function getLang() {
  return current;
}

export function setLang(lang) {
  if (!LANGUAGES.includes(lang)) return;
  current = lang;
  try { localStorage.setItem(STORAGE_KEY, lang); } catch { /* not persisted */ }
  applyI18n(document);
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn) {
  listeners.add(fn);
}

/** The string for `key` in the current language, with {name} placeholders filled. */
export function t(key, vars = {}) {
  const table = STRINGS[current] || STRINGS.en;
  let text = table[key] ?? STRINGS.en[key] ?? key;
  for (const [name, value] of Object.entries(vars)) {
    text = text.split(`{${name}}`).join(String(value));
  }
  return text;
}

function varsOf(node) {
  const raw = node.getAttribute("data-i18n-vars");
  if (!raw) return {};
  try { return JSON.parse(raw); } catch { return {}; }
}

/** Fill every data-i18n* attribute under `root` (text and attributes; never HTML). */
export function applyI18n(root) {
  document.documentElement.lang = current;
  const scope = root.querySelectorAll ? root : document;
  for (const node of scope.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.getAttribute("data-i18n"), varsOf(node));
  }
  for (const attr of ["placeholder", "aria-label", "title"]) {
    for (const node of scope.querySelectorAll(`[data-i18n-${attr}]`)) {
      node.setAttribute(attr, t(node.getAttribute(`data-i18n-${attr}`), varsOf(node)));
    }
  }
}
