// `ddpm export`: a trained model's weights as a safetensors file (EMA weights unless --raw),
// with its architecture, parameterisation and schedule in the metadata, so it loads in Python
// (model_export.h says what the file holds).
#include <memory>
#include <string>

#include "cli_common.h"
#include "ddpm/model.h"
#include "ddpm/model_export.h"
#include "ddpm/network_model.h"

namespace ddpm::cli {

namespace {

struct ExportArgs {
    std::string model;
    bool raw = false;
    std::string out;
};

void runExport(const ExportArgs& args)
{
    requireExtension("--out", args.out, ".safetensors");
    if (args.model == "zero" || args.model.rfind("oracle:", 0) == 0)
        throw UsageError{"--model " + args.model + " has no weights to export; give a checkpoint file or a run directory"};
    if (args.model.empty()) throw UsageError{"--model is empty; give a checkpoint file or a run directory"};
    const TrainedModel trained = openTrainedModel(args.model, args.raw);
    exportModel(trained, DDPM_VERSION, args.out);
}

} // namespace

void addExportCommand(CLI::App& app)
{
    auto* sub = app.add_subcommand("export", "Write a trained model's weights as a safetensors file (loads in Python)");
    auto o = std::make_shared<ExportArgs>();
    sub->add_option("--model", o->model, "A checkpoint file or a run directory (its newest checkpoint that verifies)")
        ->required();
    sub->add_flag("--raw", o->raw, "Export the trained weights instead of their EMA");
    sub->add_option("--out", o->out, "FILE.safetensors: the tensors under the network's own names, metadata as strings")
        ->required();
    setExample(*sub, "ddpm export --model run --out model.safetensors");
    sub->callback([o] { runExport(*o); });
}

} // namespace ddpm::cli
