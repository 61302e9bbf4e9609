// ddpm: the command-line tool. Subcommands live in cmd_*.cpp; this wires them up and
// turns every error into one line on stderr with the contract's exit code:
//   0 success (and --help), 2 bad usage or bad input, 1 anything unexpected.
#include <cstdlib>
#include <exception>
#include <functional>
#include <iostream>
#include <string>

#include "cli_common.h"
#include "ddpm/blas_kernels.h"
#include "ddpm/error.h"
#include "ddpm/runtime.h"

namespace {

/// "ddpm" or "ddpm <sub>" for the subcommand that was being parsed or run.
std::string prefix(const CLI::App& app)
{
    const auto subs = app.get_subcommands();
    return subs.empty() ? std::string("ddpm") : "ddpm " + subs.front()->get_name();
}

/// Prints "<prefix>: <message>" as exactly one line (newlines folded, long torch
/// backtraces cut at the first line break).
int fail(const CLI::App& app, std::string message, int code, bool firstLineOnly = false)
{
    if (firstLineOnly) {
        const auto nl = message.find('\n');
        if (nl != std::string::npos)
            message.resize(nl);
    }
    for (char& c : message)
        if (c == '\n' || c == '\r')
            c = ' ';
    while (!message.empty() && message.back() == ' ')
        message.pop_back();
    std::cerr << prefix(app) << ": " << message << std::endl;
    return code;
}

} // namespace

int main(int argc, char** argv)
{
    using namespace ddpm::cli;
    ddpm::selectBlasKernels(argv);
    // OpenCV's own log lines would break the one-line error contract; read on first use.
    ::setenv("OPENCV_LOG_LEVEL", "SILENT", 0);
    ddpm::configureAllocator();

    CLI::App app{"DDPM Studio command-line tool: noise schedules, the forward process, the variational bound, training and benchmarks."};
    app.name("ddpm");
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("ddpm ") + DDPM_VERSION, "Print the version and exit");
    app.footer("Examples:\n"
               "  ddpm schedule --schedule cosine --steps 1000 --format csv --out cosine.csv\n"
               "  ddpm noise --image cat.png --size 64 --t 1,250,500,1000 --out strip.png\n"
               "  ddpm bound --image cat.png --model zero --steps 1000 --format json\n"
               "  ddpm train --data fashion-mnist --steps 100000 --out run\n"
               "  ddpm bench --model unet --preset tiny --batch 64 --threads 2 --what train\n"
               "  ddpm sample --model run --n 16 --clip-denoised --out samples.png\n"
               "  ddpm export --model run --out model.safetensors\n"
               "Run 'ddpm <command> --help' for a command's options.");
    addScheduleCommand(app);
    addNoiseCommand(app);
    addBoundCommand(app);
    addTrainCommand(app);
    addBenchCommand(app);
    addSampleCommand(app);
    addExportCommand(app);

    if (argc <= 1) {
        std::cerr << "ddpm: a command is required: schedule, noise, bound, train, bench, sample or export (see 'ddpm --help')\n";
        return kBadInput;
    }
    // CLI11 would report a misspelt command as "A subcommand is required"; name it instead.
    const std::string first = argv[1];
    if (!first.empty() && first[0] != '-') {
        std::string names;
        bool known = false;
        const std::function<bool(const CLI::App*)> all = [](const CLI::App*) { return true; };
        for (const CLI::App* sub : static_cast<const CLI::App&>(app).get_subcommands(all)) {
            names += (names.empty() ? "" : ", ") + sub->get_name();
            known = known || sub->get_name() == first;
        }
        if (!known)
            return fail(app, "unknown command '" + first + "'; use one of " + names + " (see ddpm --help)",
                        kBadInput);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e); // prints the (sub)command's help on stdout, returns 0
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0)
            return app.exit(e);
        return fail(app, e.what(), kBadInput);
    } catch (const UsageError& e) {
        return fail(app, e.message, kBadInput);
    } catch (const ExitWith& e) {
        std::cerr << e.message << std::endl;
        return e.code;
    } catch (const ddpm::Error& e) {
        return fail(app, e.what(), kBadInput);
    } catch (const std::bad_alloc&) {
        return fail(app, "out of memory; try a smaller --size or fewer timesteps", kFailure);
    } catch (const std::exception& e) {
        return fail(app, std::string("unexpected error: ") + e.what(), kFailure, true);
    } catch (...) {
        return fail(app, "unexpected error of unknown type", kFailure);
    }
    return kOk;
}
