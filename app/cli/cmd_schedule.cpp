// `ddpm schedule`: prints or writes a noise schedule's tables as CSV or JSON.
#include <memory>
#include <string>

#include "cli_common.h"
#include "ddpm/schedule.h"
#include "ddpm/schedule_io.h"

namespace ddpm::cli {
namespace {

struct ScheduleOptions {
    std::string schedule = "linear";
    int steps = 1000;
    bool zeroTerminalSnr = false;
    std::string format = "csv";
    std::string out;
};

void runSchedule(const ScheduleOptions& o)
{
    const NoiseSchedule schedule = NoiseSchedule::fromName(o.schedule, o.steps, o.zeroTerminalSnr);
    writeOutput(o.out, o.format == "json" ? scheduleToJson(schedule) : scheduleToCsv(schedule));
}

std::string scheduleNames()
{
    std::string names;
    for (const std::string& n : NoiseSchedule::namedSchedules())
        names += n + ", ";
    return names + "custom:FILE (one beta per line)";
}

} // namespace

void addScheduleCommand(CLI::App& app)
{
    auto* sub = app.add_subcommand("schedule", "Print a noise schedule's tables (beta_t, alpha_bar_t, posterior "
                                               "coefficients, SNR) for t = 1..T as CSV or JSON");
    auto o = std::make_shared<ScheduleOptions>();
    sub->add_option("--schedule", o->schedule, "Schedule: " + scheduleNames())->default_val("linear");
    addStepsOption(*sub, o->steps);
    sub->add_flag("--zero-terminal-snr", o->zeroTerminalSnr,
                  "Rescale so alpha_bar_T = 0 (Lin et al. 2024: common diffusion schedules are flawed)");
    sub->add_option("--format", o->format, "Output format: csv or json")
        ->check(oneOf({"csv", "json"}))
        ->default_val("csv");
    sub->add_option("--out", o->out, "Write to this file (atomically) instead of standard output");
    setExample(*sub, "ddpm schedule --schedule cosine --steps 1000 --format json --out cosine.json");
    sub->callback([o] { runSchedule(*o); });
}

} // namespace ddpm::cli
