// The Reverse chain page's chain for tests where any quick chain will do: the gaussians8
// oracle (the closed-form denoiser of eight Gaussians, so no trained model is needed), DDIM
// with eta 0 on 20 of its T = 1000 steps, 64 particles, seed 1. For a chain of images: the
// oracle of three small images written to a folder.
#pragma once

#include <QDir>
#include <QString>

#include "ddpm/image.h"
#include "pages/reverse_page.h"
#include "widgets/sampling_options.h"

namespace ddpm::test {

/// Three 12 x 12 gray images (a bright bar each at another row) in dir; returns the model
/// spec of their oracle, "oracle:folder:DIR".
inline QString writeBarImages(const QString& dir)
{
    for (int i = 0; i < 3; ++i) {
        Image image;
        image.width = image.height = 12;
        image.channels = 1;
        image.pixels.assign(144, 20);
        for (int x = 0; x < 12; ++x)
            image.at(2 + 4 * i, x, 0) = 240;
        savePng(image, QDir(dir).filePath(QStringLiteral("img%1.png").arg(i)).toStdString());
    }
    return QStringLiteral("oracle:folder:") + dir;
}

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
