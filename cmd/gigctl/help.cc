// gigctl's overall help and its bash completion, both generated from the
// admin verb table (verbs.cc) so they never drift from what gigctl does.
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cmd/gigctl/commands.h"
#include "cmd/gigctl/download.h"
#include "cmd/gigctl/verbs.h"

namespace gigctl {
namespace {

constexpr char kIntro[] = R"(gigctl: the Gigwire admin CLI. Run the marketplace from the terminal, or call
any method of the API like grpcurl does, with your login built in.

Usage: gigctl [GLOBAL FLAGS] COMMAND [ARGS]        gigctl COMMAND --help

Start here:
  gigctl --insecure --server 127.0.0.1:50051 login     (asks for email and password)
  gigctl jobs pending                                  (the review queue)
  gigctl sellers search --skill logo --available --sort rating
  gigctl sellers show sam@demo.gigwire.dev             (profile, rating, reviews, gigs)
  gigctl jobs assign JOB --seller sam@demo.gigwire.dev,mia@demo.gigwire.dev --note 'fits'

Names: tables show people as "Name <email>", categories by slug and jobs by
title, keeping the ids you act on (ID columns). Wherever a user is expected
(--seller, --buyer, --user, USER...) an email works as well as a usr_ id;
wherever a category is, a slug works as well as a cat_ id.
Lists: --seller and other list flags take repeats, commas or several values
(--seller A,B --seller C D); list verbs print one page and the next page's
token on stderr, or every page with --all.
Sellers use gigctl too: offers list|accept|decline, bookings deliver.
Open market (sealed bids): jobs open lists the open projects taking proposals;
proposals list --job JOB shows a project's bids (a seller sees only its own),
proposals show ID one bid with its milestone plan and the seller's portfolio,
portfolio list --seller SELLER a seller's work.
Money: payments pending is the queue of transfers to watch for (payments confirm
once one arrived), payouts pending the payouts to send (payouts mark-paid once
sent), disputes list --state open the disputes to settle (disputes show, note,
resolve); ledger balance|entries|reconcile read the books. Amounts are written
as gigctl prints them, the currency and its own decimals: 'USD 120.50',
'JPY 1500' (also 120.50USD).
Support: conversations list --user USER lists someone's conversations (newest
activity first), conversations show ID one with its newest messages (older
pages: messages list ID --before MSG), conversations join ID lets you write in
it (both parties see you joined), messages hide MSG --reason TEXT withholds a
message's text and files from both parties (you still see them, marked HIDDEN);
files info|list show what was uploaded, files download FILE saves one, its
SHA-256 checked.

Session:
  login [--email EMAIL] [--password-stdin]   log in; the server, its TLS settings (--insecure,
                                             --cacert) and the token pair are saved (mode 0600),
                                             the token refreshed automatically; `login` again
                                             without --server goes back to the saved server
  logout                                     end the saved login
  whoami                                     who the credentials belong to
  The saved login is used for its own server only: with another --server, gigctl
  says it has no login there and sends no token.

Any method, through server reflection (JSON in and out, as grpcurl):
  list [SERVICE]                             services, or one service's methods
  describe SYMBOL                            a service, method, message or enum
  call SERVICE/METHOD [-d JSON|@FILE|@-]     call a method; server streams print one
                                             JSON object per line until interrupted
  e.g. gigctl call gigwire.v1.JobService/GetJob -d '{"id":"job_4f2a"}'

Live:
  watch offers [--job ID] [--from CURSOR] [--count N]   offers as they change
  watch events [--from CURSOR] [--count N]              everything you may see
  (a watch reconnects by itself and resumes where it stopped; it says on stderr
  when the connection is lost and when it is back)

Commands:
)";

constexpr char kOutro[] = R"(
Global flags (anywhere on the line):
  --server HOST:PORT   default $GIGWIRE_SERVER, then the saved login's, then 127.0.0.1:50051
  --insecure           plaintext, no TLS ($GIGWIRE_INSECURE=1; remembered by login)
  --cacert FILE        trust this CA's PEM certificate for TLS (remembered by login)
  --token TOKEN        a bearer access token ($GIGWIRE_TOKEN) instead of the saved login
  --api-key KEY        a partner API key ($GIGWIRE_API_KEY)
  -o table|json        aligned tables (default; coloured on a terminal unless $NO_COLOR),
                       or one JSON object per line for scripts (jq-friendly; ids as they
                       are, and a `show` prints the resource alone)

Config file: $GIGCTL_CONFIG, else $XDG_CONFIG_HOME/gigctl/config.json, else
~/.config/gigctl/config.json.

Exit codes: 0 success; 1-16 the gRPC status code of a failed call (3 INVALID_ARGUMENT,
5 NOT_FOUND (also an unknown email or slug), 7 PERMISSION_DENIED, 9 FAILED_PRECONDITION,
16 UNAUTHENTICATED...; errors print code, reason and field violations on stderr);
1 (CANCELLED) when a confirmation is declined; 15 (DATA_LOSS) when ledger reconcile
finds violations, or a download's bytes do not match its SHA-256; 64 usage error.

Shell completion: source <(gigctl completion bash)
)";

constexpr char kCommands[] = "login logout whoami list describe call watch completion version help";

}  // namespace

std::string MainHelp() {
  std::string text = kIntro;
  for (const Verb& verb : AdminVerbs()) {
    absl::StrAppend(&text, "  ", VerbUsage(verb), "\n      ", verb.summary, "\n");
    if (verb.group == "files" && verb.name == "list") {  // the stream, outside the table
      absl::StrAppend(&text, "  ", DownloadUsage(), "\n      ", DownloadSummary(), "\n");
    }
  }
  return text + kOutro;
}

std::string BashCompletion() {
  std::set<std::string> groups;
  std::string cases;
  for (const Verb& verb : AdminVerbs()) groups.insert(verb.group);
  for (const std::string& group : groups) {
    std::set<std::string> names;
    for (const Verb& verb : AdminVerbs()) {
      if (verb.group == group) names.insert(verb.name);
    }
    if (group == "files") names.insert("download");
    absl::StrAppend(&cases, "    ", group, ") words=\"", absl::StrJoin(names, " "), "\" ;;\n");
  }
  std::set<std::string> flags = {"--server", "--insecure", "--cacert", "--token", "--api-key",
                                 "-o", "--help", "--yes", "--job", "--from", "--count", "-d",
                                 "--out", "--force"};
  for (const Verb& verb : AdminVerbs()) {
    for (const Arg& flag : verb.flags) flags.insert("--" + flag.name);
    if (IsPaged(verb)) flags.insert("--all");
  }
  return absl::StrCat(
      "# bash completion for gigctl: source <(gigctl completion bash)\n",
      "_gigctl() {\n",
      "  local cur=${COMP_WORDS[COMP_CWORD]} words=\"\"\n",
      "  if [[ $cur == -* ]]; then\n",
      "    words=\"", absl::StrJoin(flags, " "), "\"\n",
      "  elif [[ $COMP_CWORD -eq 1 ]]; then\n",
      "    words=\"", kCommands, " ", absl::StrJoin(groups, " "), "\"\n",
      "  elif [[ $COMP_CWORD -eq 2 ]]; then\n",
      "    case ${COMP_WORDS[1]} in\n", cases,
      "    watch) words=\"offers events\" ;;\n",
      "    completion) words=\"bash\" ;;\n",
      "    esac\n",
      "  fi\n",
      "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n",
      "}\n",
      "complete -F _gigctl gigctl\n");
}

}  // namespace gigctl
