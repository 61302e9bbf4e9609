// ddpm: the command-line tool. Subcommands live in cmd_*.cpp; this wires them up and
// turns every error into one line on stderr with the contract's exit code.
#include <exception>
#include <iostream>

#include "cli_common.h"
#include "ddpm/error.h"

int main(int argc, char** argv)
{
    CLI::App app{"DDPM Studio command-line tool: noise schedules, the forward process and the variational bound."};
    app.require_subcommand(1);
    ddpm::cli::addScheduleCommand(app);
    ddpm::cli::addNoiseCommand(app);
    ddpm::cli::addBoundCommand(app);
    return 0;
}
