// The Reverse chain page's chain for tests where any quick chain will do: the gaussians8
// oracle (the closed-form denoiser of eight Gaussians, so no trained model is needed), DDIM
// with eta 0 on 20 of its T = 1000 steps, 64 particles, seed 1.
#pragma once

#include <QString>

#include "pages/reverse_page.h"
#include "widgets/sampling_options.h"

namespace ddpm::test {

/// Sets page's model and sampler choices to the toy chain above; false when the page
/// refuses the model (call it inside QVERIFY).
[[nodiscard]] inline bool chooseToyChain(ui::ReversePage& page)
{
    if (!page.options()->setModelSpec(QStringLiteral("oracle:toy:gaussians8")))
        return false;
    page.options()->setSampler(QStringLiteral("ddim"));
    page.options()->setSpacing(QStringLiteral("20"));
    page.options()->setEta(0.0);
    page.options()->setSeed(1);
    page.options()->setBatch(64);
    return true;
}

} // namespace ddpm::test
