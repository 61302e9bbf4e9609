#include "workers/bound_worker.h"

#include <chrono>

#include <ATen/ATen.h>

#include "ddpm/bound.h"
#include "ddpm/diffusion.h"
#include "ddpm/error.h"
#include "ddpm/image.h"
#include "ddpm/image_tensor.h"
#include "ddpm/model.h"
#include "ddpm/runtime.h"
#include "ddpm/schedule.h"
#include "ddpm/thread_budget.h"
#include "workers/worker_support.h"

namespace ddpm::ui {

namespace {

using Clock = std::chrono::steady_clock;

} // namespace

BoundWorker::BoundWorker(std::shared_ptr<ddpm::ThreadBudget> budget, QObject* parent)
    : QObject(parent), m_budget(threadBudgetOrOwn(std::move(budget)))
{
    qRegisterMetaType<ddpm::ui::BoundReport>();
}

BoundReport BoundWorker::compute(const BoundRequest& request, const ddpm::ProgressFn& progress)
{
    const auto start = Clock::now();
    const BoundSettings& s = request.settings;
    if (request.image.empty())
        throw ddpm::Error("No image to evaluate: open one on the Forward page.");
    if (s.samples < 1 || s.samples > 1000)
        throw ddpm::Error("Samples K = " + std::to_string(s.samples) + " is outside 1..1000.");
    if (s.resolution < 0)
        throw ddpm::Error("Resolution " + std::to_string(s.resolution) + " is not allowed: use 0 (original) or a size N >= 1.");

    const ddpm::Image image = s.resolution > 0 ? ddpm::resizeCenterCrop(request.image, s.resolution) : request.image;
    // A trained model brings the schedule it was trained on; only the zero model uses the page's.
    std::unique_ptr<ddpm::DenoiseModel> model = ddpm::makeModel(s.modelSpec.toStdString());
    ddpm::NoiseSchedule schedule = model->schedule() != nullptr ? *model->schedule() : s.schedule.build();
    if (schedule.alphaBar(schedule.steps()) <= 0.0)
        // Core says the same in the CLI's terms; here it names the GUI's control.
        throw ddpm::Error("The bound is undefined with a zero terminal SNR: alpha_bar_T = 0, and the predicted x_0 "
                          "divides by sqrt(alpha_bar_T). Untick \"Zero-terminal SNR\" beside the schedule on the "
                          "Forward process page, then evaluate again.");
    const ddpm::Parameterization param = model->parameterization();
    const ddpm::VarianceKind variance = param.learnsVariance() ? param.variance
        : s.largeVariance ? ddpm::VarianceKind::Large : ddpm::VarianceKind::Small;

    BoundReport report;
    report.id = request.id;
    report.settings = s;
    report.width = image.width;
    report.height = image.height;
    report.channels = image.channels;
    report.steps = schedule.steps();
    // L_simple's weights exist for the fixed variances only (Eq. 12).
    if (!param.learnsVariance())
        report.weights = ddpm::lSimpleWeights(schedule, variance);
    report.modelName = QString::fromStdString(model->name());

    const c10::Device device = ddpm::pickDevice("auto");
    ddpm::Diffusion diffusion(std::move(schedule), device);

    const at::Tensor x0 = ddpm::imageToTensor(image).unsqueeze(0).to(device);
    ddpm::BoundOptions options;
    options.variance = variance;
    options.clipDenoised = s.clipDenoised;
    options.samples = s.samples;
    options.seed = s.seed;

    const ddpm::BoundResult result = ddpm::evaluateBound(diffusion, *model, x0, options, progress, request.stop.get());
    report.priorBpd = result.priorBpd;
    report.decoderBpd = result.decoderBpd;
    report.termsBpdSum = result.termsBpdSum;
    report.totalBpd = result.totalBpd;
    report.termsBpd = result.termsBpd;
    report.lSimple = result.lSimple;
    report.modelCalls = result.modelCalls;
    report.timestepBatch = result.timestepBatch;
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return report;
}

void BoundWorker::run(const BoundRequest& request)
{
    const quint64 id = request.id;
    // About 25 progress signals a second keep the bar smooth without flooding the event loop.
    RateGate gate;
    const auto onProgress = [this, id, &gate](long long done, long long total) {
        m_budget->applyOtherJobThreads(); // training may have started or stopped meanwhile
        if (gate.pass(done >= total))
            Q_EMIT progress(id, done, total);
    };
    try {
        ddpm::throwIfCancelled(request.stop.get());
        m_budget->applyOtherJobThreads(); // in this thread, before any torch work
        const BoundReport report = compute(request, onProgress);
        Q_EMIT finished(report);
    } catch (const ddpm::Cancelled&) {
        Q_EMIT cancelled(id);
    } catch (...) {
        // The page heads the message ("Cannot evaluate the bound"); torch's backtrace is cut off.
        Q_EMIT failed(id, currentErrorText(QString()));
    }
}

} // namespace ddpm::ui
